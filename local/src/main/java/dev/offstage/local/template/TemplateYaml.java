package dev.offstage.local.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads CloudFormation YAML into plain maps, lists and scalars, turning every short-form tag
 * into its long form: {@code !Ref X} becomes {@code {Ref: X}}, {@code !GetAtt A.B} becomes
 * {@code {Fn::GetAtt: [A, B]}}, {@code !Sub s} becomes {@code {Fn::Sub: s}}, and so on. Later
 * stages therefore see one shape per intrinsic, whichever form the author wrote.
 */
final class TemplateYaml {

    /** Short-form tags and the long-form key each stands for. */
    private static final Map<String, String> FUNCTION_TAGS = Map.ofEntries(
            Map.entry("!Ref", "Ref"),
            Map.entry("!Condition", "Condition"),
            Map.entry("!GetAtt", "Fn::GetAtt"),
            Map.entry("!Sub", "Fn::Sub"),
            Map.entry("!Join", "Fn::Join"),
            Map.entry("!Select", "Fn::Select"),
            Map.entry("!Split", "Fn::Split"),
            Map.entry("!If", "Fn::If"),
            Map.entry("!Equals", "Fn::Equals"),
            Map.entry("!Not", "Fn::Not"),
            Map.entry("!And", "Fn::And"),
            Map.entry("!Or", "Fn::Or"),
            Map.entry("!FindInMap", "Fn::FindInMap"),
            Map.entry("!GetAZs", "Fn::GetAZs"),
            Map.entry("!ImportValue", "Fn::ImportValue"),
            Map.entry("!Base64", "Fn::Base64"),
            Map.entry("!Cidr", "Fn::Cidr"),
            Map.entry("!Transform", "Fn::Transform"),
            Map.entry("!Length", "Fn::Length"),
            Map.entry("!ToJsonString", "Fn::ToJsonString"));

    private TemplateYaml() {}

    /**
     * Parses a template document.
     *
     * @throws TemplateException when the text is not YAML, has duplicate keys, uses an unknown
     *     tag, or its top level is not a mapping
     */
    static Map<String, Object> parse(String text) {
        var options = new LoaderOptions();
        // CloudFormation rejects duplicate keys; silently keeping the last one would hide a mistake.
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(200);
        var yaml = new Yaml(new IntrinsicConstructor(options), new Representer(new DumperOptions()),
                new DumperOptions(), options, new NoTimestampResolver());
        Object document;
        try {
            document = yaml.load(text);
        } catch (YAMLException e) {
            throw new TemplateException("not valid template YAML: " + e.getMessage().strip());
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new TemplateException("the template must be a YAML mapping with a Resources section");
        }
        return stringKeys(map, "the template");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Map<?, ?> map, String where) {
        for (var key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new TemplateException(where + " has a key that is not a string: " + key);
            }
        }
        return (Map<String, Object>) map;
    }

    /**
     * CloudFormation keeps {@code 2010-09-09} a string; SnakeYAML's YAML 1.1 resolver would make it
     * a {@link java.util.Date}. Everything else (ints, floats, booleans, null) resolves as usual.
     */
    private static final class NoTimestampResolver extends Resolver {
        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
            if (!Tag.TIMESTAMP.equals(tag)) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }

        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first) {
            if (!Tag.TIMESTAMP.equals(tag)) {
                super.addImplicitResolver(tag, regexp, first);
            }
        }
    }

    private static final class IntrinsicConstructor extends SafeConstructor {

        IntrinsicConstructor(LoaderOptions options) {
            super(options);
            FUNCTION_TAGS.forEach((tag, key) -> yamlConstructors.put(new Tag(tag), new FunctionConstruct(key)));
        }

        @Override
        protected Map<Object, Object> createDefaultMap(int initSize) {
            // Template order is the order problems are reported in.
            return new LinkedHashMap<>(initSize);
        }

        private final class FunctionConstruct extends AbstractConstruct {
            private final String key;

            FunctionConstruct(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Object argument = switch (node) {
                    case ScalarNode scalar -> scalarArgument(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> throw new YAMLException("unsupported node for " + node.getTag());
                };
                var call = new LinkedHashMap<String, Object>(2);
                call.put(key, argument);
                return call;
            }

            private Object scalarArgument(ScalarNode scalar) {
                var value = constructScalar(scalar);
                if (key.equals("Fn::GetAtt")) {
                    // !GetAtt Resource.Attribute; attributes may contain dots (Endpoint.Address).
                    var dot = value.indexOf('.');
                    if (dot <= 0 || dot == value.length() - 1) {
                        throw new YAMLException("!GetAtt " + value + " must be written Resource.Attribute " + scalar.getStartMark());
                    }
                    return List.of(value.substring(0, dot), value.substring(dot + 1));
                }
                return value;
            }
        }
    }
}
