package dev.offstage.local.template;

import dev.offstage.local.model.Application;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a SAM {@code template.yaml} and resolves it to the {@link Application} the local runtime
 * runs. The entry point of {@code dev.offstage.local.template}.
 *
 * <p>What it understands: CloudFormation YAML with short-form tags and long forms ({@code Ref},
 * {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split},
 * {@code Fn::If} with {@code Conditions}, {@code Fn::FindInMap} with {@code Mappings},
 * {@code Fn::GetAZs}, {@code Fn::Base64}), {@code Parameters} (defaults, overrides, constraints,
 * {@code NoEcho}), SAM's {@code Globals} and the resources SAM adds implicitly. Every reference
 * resolves to a local value: queue URLs on the SQS emulator, ARNs in the local region and account,
 * physical names derived as CloudFormation derives them but stable across runs.
 */
public final class Templates {

    private Templates() {}

    /**
     * Loads and resolves a template. Pure: reads the template and checks {@code CodeUri} folders,
     * but creates nothing and starts nothing.
     *
     * @param templateYaml the template; {@code CodeUri} paths are resolved against its folder
     * @param parameterOverrides values for the template's {@code Parameters}, by name
     * @throws TemplateException when the template cannot run as written: every problem found, each
     *     naming the resource and property (the value of a {@code NoEcho} parameter never appears)
     */
    public static Application load(Path templateYaml, Map<String, String> parameterOverrides, LocalNaming naming) {
        return load(templateYaml, parameterOverrides, Map.of(), naming);
    }

    /**
     * Loads and resolves a template, with local values for some of its secrets
     * ({@code --secret LogicalId=value}) in place of those it gives or generates.
     *
     * @throws TemplateException as {@link #load(Path, Map, LocalNaming)}, and when a secret value
     *     names a logical id that is not an {@code AWS::SecretsManager::Secret} of the template
     */
    public static Application load(Path templateYaml, Map<String, String> parameterOverrides,
            Map<String, String> secretValues, LocalNaming naming) {
        var file = templateYaml.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new TemplateException(file, List.of("is not UTF-8 text"));
        } catch (IOException e) {
            throw new TemplateException(file, List.of("cannot be read: " + e));
        }
        List<String> secrets = List.of();
        try {
            var document = TemplateDocument.of(TemplateYaml.parse(text));
            var problems = new ArrayList<String>();
            ParameterValues parameters = null;
            try {
                parameters = ParameterValues.resolve(document.parameters(), parameterOverrides);
                secrets = parameters.secrets();
            } catch (TemplateException e) {
                problems.addAll(e.problems());
            }
            var resources = StackResources.declaredAndImplicit(document);
            try {
                ReferenceCheck.check(document, resources.keySet());
            } catch (TemplateException e) {
                problems.addAll(e.problems());
            }
            if (!problems.isEmpty()) {
                throw new TemplateException(null, problems);
            }
            var evaluator = new Evaluator(naming, parameters, document, resources);
            var application = new ApplicationBuilder(file.getParent(), naming, parameters, evaluator).build();
            try {
                return application.withSecretValues(secretValues);
            } catch (IllegalArgumentException e) {
                throw new TemplateException(null, List.of(e.getMessage()));
            }
        } catch (TemplateException e) {
            throw new TemplateException(file, redact(e.problems(), secrets));
        }
    }

    /**
     * A template as written, for checks beyond what the runtime needs (alarms, policies,
     * encryption): its sections as maps, lists and scalars, in template order, with intrinsics in
     * their long form ({@code {Ref: X}}, {@code {Fn::GetAtt: [X, Attribute]}}, {@code {Fn::Sub: ...}})
     * and nothing resolved. SAM's {@code Globals.Function} is merged into the {@code Properties} of
     * every {@code AWS::Serverless::Function} as SAM merges it.
     *
     * @throws TemplateException when the text is not YAML or not shaped like a template
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> source(String templateYaml) {
        var parsed = TemplateYaml.parse(templateYaml);
        var document = TemplateDocument.of(parsed);
        var declared = (Map<String, Object>) parsed.get("Resources");
        var resources = new LinkedHashMap<String, Object>();
        document.resources().forEach((id, resource) -> {
            var body = new LinkedHashMap<String, Object>((Map<String, Object>) declared.get(id));
            body.put("Properties", resource.properties());
            resources.put(id, body);
        });
        var source = new LinkedHashMap<String, Object>(parsed);
        source.put("Resources", resources);
        return source;
    }

    /**
     * Problems never show a NoEcho value, even where one flowed into a property whose problem
     * quotes it.
     */
    private static List<String> redact(List<String> problems, List<String> secrets) {
        return problems.stream().map(problem -> {
            var redacted = problem;
            for (var secret : secrets) {
                redacted = redacted.replace(secret, ParameterValues.MASK);
            }
            return redacted;
        }).toList();
    }
}
