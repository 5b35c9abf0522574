package dev.offstage.local.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed template's sections, checked for shape, with SAM's {@code Globals} applied to every
 * {@code AWS::Serverless::Function}. Values are still unresolved: intrinsics are long-form maps.
 */
final class TemplateDocument {

    static final String SERVERLESS_TRANSFORM = "AWS::Serverless-2016-10-31";
    static final String FUNCTION = "AWS::Serverless::Function";

    private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9]+");
    /** The sections SAM accepts under {@code Globals}; anything else is a typo SAM rejects. */
    private static final Set<String> GLOBALS_SECTIONS =
            Set.of("Function", "Api", "HttpApi", "SimpleTable", "StateMachine", "LayerVersion", "CapacityProvider");
    private static final Set<String> TOP_LEVEL = Set.of("AWSTemplateFormatVersion", "Description", "Metadata",
            "Transform", "Parameters", "Rules", "Mappings", "Conditions", "Globals", "Resources", "Outputs");

    /**
     * One resource as declared.
     *
     * @param ownProperties the properties as written on the resource
     * @param properties the properties with {@code Globals} applied (same as own for non-functions)
     */
    record Resource(String logicalId, String type, Map<String, Object> ownProperties, Map<String, Object> properties,
            Optional<String> condition, List<String> dependsOn) {

        Site site() {
            return Site.resource(logicalId, type);
        }
    }

    private final Map<String, Object> parameters;
    private final Map<String, Object> mappings;
    private final Map<String, Object> conditions;
    private final Map<String, Object> globals;
    private final Map<String, Object> outputs;
    private final Map<String, Resource> resources;

    private TemplateDocument(Map<String, Object> parameters, Map<String, Object> mappings, Map<String, Object> conditions,
            Map<String, Object> globals, Map<String, Object> outputs, Map<String, Resource> resources) {
        this.parameters = parameters;
        this.mappings = mappings;
        this.conditions = conditions;
        this.globals = globals;
        this.outputs = outputs;
        this.resources = resources;
    }

    /** @throws TemplateException listing every structural problem found */
    static TemplateDocument of(Map<String, Object> template) {
        var problems = new ArrayList<String>();
        for (var key : template.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                problems.add("unknown top-level section '" + key + "' (CloudFormation knows " + String.join(", ", sorted(TOP_LEVEL)) + ")");
            }
        }
        var parameters = section(template, "Parameters", problems);
        var mappings = section(template, "Mappings", problems);
        var conditions = section(template, "Conditions", problems);
        var globals = section(template, "Globals", problems);
        var outputs = section(template, "Outputs", problems);
        var declared = section(template, "Resources", problems);
        if (!template.containsKey("Resources") || declared.isEmpty()) {
            problems.add("the template declares no Resources");
        }
        var transforms = transforms(template.get("Transform"), problems);
        for (var transform : transforms) {
            if (!transform.equals(SERVERLESS_TRANSFORM)) {
                problems.add("Transform " + transform + " is not supported locally (only " + SERVERLESS_TRANSFORM + " is)");
            }
        }
        for (var name : globals.keySet()) {
            if (!GLOBALS_SECTIONS.contains(name)) {
                problems.add("Globals: '" + name + "' is not a Globals section SAM knows (" + String.join(", ", sorted(GLOBALS_SECTIONS)) + ")");
            }
        }
        var functionGlobals = mapOrProblem(globals.get("Function"), "Globals.Function", problems);

        var resources = new LinkedHashMap<String, Resource>();
        for (var entry : declared.entrySet()) {
            var id = entry.getKey();
            if (!LOGICAL_ID.matcher(id).matches()) {
                problems.add("resource '" + id + "': logical ids may hold only letters and digits");
                continue;
            }
            if (!(entry.getValue() instanceof Map<?, ?> body)) {
                problems.add("resource " + id + " must be a mapping with a Type");
                continue;
            }
            if (!(body.get("Type") instanceof String type) || type.isBlank()) {
                problems.add("resource " + id + " has no Type");
                continue;
            }
            if (type.startsWith("AWS::Serverless::") && !transforms.contains(SERVERLESS_TRANSFORM)) {
                problems.add(id + " (" + type + "): " + type + " needs 'Transform: " + SERVERLESS_TRANSFORM + "' at the top of the template");
            }
            var own = mapOrProblem(body.get("Properties"), id + " (" + type + "), Properties", problems);
            var condition = body.get("Condition");
            if (condition != null && !(condition instanceof String)) {
                problems.add(id + " (" + type + "): Condition must be the name of a condition");
                condition = null;
            }
            var dependsOn = dependsOn(body.get("DependsOn"), id, type, problems);
            var properties = type.equals(FUNCTION) ? Globals.merge(functionGlobals, own) : own;
            resources.put(id, new Resource(id, type, own, properties, Optional.ofNullable((String) condition), dependsOn));
        }
        if (!problems.isEmpty()) {
            throw new TemplateException(null, problems);
        }
        return new TemplateDocument(parameters, mappings, conditions, globals, outputs, resources);
    }

    Map<String, Object> parameters() {
        return parameters;
    }

    Map<String, Object> mappings() {
        return mappings;
    }

    Map<String, Object> conditions() {
        return conditions;
    }

    Map<String, Object> globals() {
        return globals;
    }

    Map<String, Object> outputs() {
        return outputs;
    }

    /** Declared resources in template order. */
    Map<String, Resource> resources() {
        return resources;
    }

    private static Map<String, Object> section(Map<String, Object> template, String name, List<String> problems) {
        return mapOrProblem(template.get(name), name, problems);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOrProblem(Object value, String where, List<String> problems) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        problems.add(where + " must be a mapping");
        return Map.of();
    }

    private static List<String> transforms(Object value, List<String> problems) {
        return switch (value) {
            case null -> List.of();
            case String name -> List.of(name);
            case List<?> names when names.stream().allMatch(String.class::isInstance) ->
                    names.stream().map(String.class::cast).toList();
            default -> {
                problems.add("Transform must be a transform name or a list of them");
                yield List.of();
            }
        };
    }

    private static List<String> dependsOn(Object value, String id, String type, List<String> problems) {
        return switch (value) {
            case null -> List.of();
            case String name -> List.of(name);
            case List<?> names when names.stream().allMatch(String.class::isInstance) ->
                    names.stream().map(String.class::cast).toList();
            default -> {
                problems.add(id + " (" + type + "): DependsOn must be a resource name or a list of them");
                yield List.of();
            }
        };
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
