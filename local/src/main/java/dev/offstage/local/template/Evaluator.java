package dev.offstage.local.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates intrinsic functions to local values. {@code Ref} and {@code Fn::GetAtt} of resources
 * are answered by {@link StackResources}; conditions are evaluated on first use and remembered.
 * Only the branch an {@code Fn::If} takes is evaluated, as in CloudFormation.
 *
 * <p>Not thread-safe: one evaluator resolves one template, on one thread.
 */
final class Evaluator {

    /** {@code Ref: AWS::NoValue}: the enclosing key or list item is removed. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private final LocalNaming naming;
    private final ParameterValues parameters;
    private final Map<String, Object> mappings;
    private final Map<String, Object> conditions;
    private final StackResources resources;
    private final Map<String, Boolean> conditionValues = new HashMap<>();
    private final Set<String> conditionsInProgress = new LinkedHashSet<>();

    /** @param resources {@link StackResources#declaredAndImplicit(TemplateDocument)} */
    Evaluator(LocalNaming naming, ParameterValues parameters, TemplateDocument template,
            Map<String, TemplateDocument.Resource> resources) {
        this.naming = naming;
        this.parameters = parameters;
        this.mappings = template.mappings();
        this.conditions = template.conditions();
        this.resources = new StackResources(resources, naming, this);
    }

    StackResources resources() {
        return resources;
    }

    /**
     * The value with every intrinsic function replaced by its result; map entries and list items
     * that evaluate to {@code AWS::NoValue} are dropped. The result may itself be {@link #NO_VALUE}.
     */
    Object evaluate(Object value, Site site) {
        return switch (value) {
            case Map<?, ?> map when Intrinsics.isCall(map) -> call(Intrinsics.name(map), Intrinsics.argument(map), site);
            case Map<?, ?> map -> {
                var result = new LinkedHashMap<String, Object>();
                map.forEach((key, item) -> {
                    var evaluated = evaluate(item, site.child(String.valueOf(key)));
                    if (evaluated != NO_VALUE) {
                        result.put(String.valueOf(key), evaluated);
                    }
                });
                yield result;
            }
            case List<?> list -> {
                var result = new ArrayList<Object>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    var evaluated = evaluate(list.get(i), site.index(i));
                    if (evaluated != NO_VALUE) {
                        result.add(evaluated);
                    }
                }
                yield result;
            }
            case null, default -> value;
        };
    }

    /** The value as a string: strings as they are, numbers and booleans as CloudFormation prints them. */
    String evaluateString(Object value, Site site, String what) {
        var evaluated = evaluate(value, site);
        return scalar(evaluated, site, what);
    }

    /** Whether the named condition holds. */
    boolean condition(String name, Site site) {
        var known = conditionValues.get(name);
        if (known != null) {
            return known;
        }
        if (!conditions.containsKey(name)) {
            throw site.problem("condition '" + name + "' is not declared in Conditions");
        }
        if (!conditionsInProgress.add(name)) {
            throw site.problem("conditions refer to each other in a circle: " + String.join(" -> ", conditionsInProgress) + " -> " + name);
        }
        try {
            var value = conditionValue(conditions.get(name), Site.section("condition " + name));
            conditionValues.put(name, value);
            return value;
        } finally {
            conditionsInProgress.remove(name);
        }
    }

    private boolean conditionValue(Object definition, Site site) {
        if (definition instanceof Map<?, ?> map && map.size() == 1) {
            var function = String.valueOf(map.keySet().iterator().next());
            var argument = map.values().iterator().next();
            switch (function) {
                case "Condition" -> {
                    return condition(scalar(argument, site, "Condition"), site);
                }
                case "Fn::Equals" -> {
                    var operands = arguments(argument, 2, 2, function, site);
                    return equal(evaluate(operands.get(0), site.index(0)), evaluate(operands.get(1), site.index(1)));
                }
                case "Fn::Not" -> {
                    return !conditionValue(arguments(argument, 1, 1, function, site).getFirst(), site.index(0));
                }
                case "Fn::And", "Fn::Or" -> {
                    var operands = arguments(argument, 2, 10, function, site);
                    var and = function.equals("Fn::And");
                    for (int i = 0; i < operands.size(); i++) {
                        if (conditionValue(operands.get(i), site.index(i)) != and) {
                            return !and;
                        }
                    }
                    return and;
                }
                default -> { }
            }
        }
        throw site.problem("a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition");
    }

    /** CloudFormation compares the values as strings: {@code !Equals [1, "1"]} holds. */
    private static boolean equal(Object left, Object right) {
        return String.valueOf(left).equals(String.valueOf(right));
    }

    private Object call(String function, Object argument, Site site) {
        return switch (function) {
            case Intrinsics.REF -> ref(scalarName(argument, site, "!Ref"), site);
            case Intrinsics.GET_ATT -> getAtt(argument, site);
            case Intrinsics.SUB -> sub(argument, site);
            case "Fn::Join" -> join(argument, site);
            case "Fn::Select" -> select(argument, site);
            case "Fn::Split" -> split(argument, site);
            case Intrinsics.IF -> ifThen(argument, site);
            case Intrinsics.FIND_IN_MAP -> findInMap(argument, site);
            case "Fn::GetAZs" -> availabilityZones(argument, site);
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    evaluateString(argument, site, "!Base64").getBytes(StandardCharsets.UTF_8));
            case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or" -> conditionValue(Map.of(function, argument), site);
            case "Fn::ImportValue" -> throw site.problem("!ImportValue " + describeImport(argument, site)
                    + " is not supported locally: the local runtime runs this stack alone and cannot read another "
                    + "stack's exports; pass the value as a parameter instead");
            default -> throw site.problem(Intrinsics.shortForm(function) + " (" + function + ") is not supported by the local runtime");
        };
    }

    private String describeImport(Object argument, Site site) {
        return argument instanceof String name ? "'" + name + "'" : "(of an export)";
    }

    /** {@code Ref}: a pseudo parameter, parameter or resource. */
    Object ref(String name, Site site) {
        switch (name) {
            case "AWS::Region" -> { return naming.region(); }
            case "AWS::AccountId" -> { return naming.accountId(); }
            case "AWS::StackName" -> { return naming.stackName(); }
            case "AWS::StackId" -> { return naming.stackId(); }
            case "AWS::Partition" -> { return naming.partition(); }
            case "AWS::URLSuffix" -> { return naming.urlSuffix(); }
            case "AWS::NoValue" -> { return NO_VALUE; }
            case "AWS::NotificationARNs" -> { return List.of(); }
            default -> { }
        }
        if (parameters.contains(name)) {
            return parameters.value(name);
        }
        if (resources.declares(name)) {
            return resources.ref(name, site);
        }
        throw site.problem("!Ref " + name + " refers to nothing: no parameter, resource or pseudo parameter is named '" + name + "'");
    }

    private Object getAtt(Object argument, Site site) {
        String resource;
        String attribute;
        if (argument instanceof String text && text.indexOf('.') > 0) {
            resource = text.substring(0, text.indexOf('.'));
            attribute = text.substring(text.indexOf('.') + 1);
        } else {
            var operands = arguments(argument, 2, 2, "Fn::GetAtt", site);
            resource = scalarName(operands.get(0), site, "!GetAtt");
            attribute = evaluateString(operands.get(1), site, "the !GetAtt attribute");
        }
        return getAtt(resource, attribute, site);
    }

    private String getAtt(String resource, String attribute, Site site) {
        if (!resources.declares(resource)) {
            var what = parameters.contains(resource) ? "'" + resource + "' is a parameter, not a resource"
                    : "no resource is named '" + resource + "'";
            throw site.problem("!GetAtt " + resource + "." + attribute + " refers to nothing: " + what);
        }
        return resources.getAtt(resource, attribute, site);
    }

    private String sub(Object argument, Site site) {
        var sub = SubString.Argument.of(argument).orElseThrow(
                () -> site.problem("!Sub takes a string or a list of a string and a map of variables"));
        var text = sub.text();
        var variables = sub.variables();
        var result = new StringBuilder();
        for (var part : SubString.parse(text).parts()) {
            switch (part) {
                case SubString.Text literal -> result.append(literal.text());
                case SubString.Variable variable -> {
                    Object value;
                    if (variables.containsKey(variable.name())) {
                        value = evaluate(variables.get(variable.name()), site.child(variable.name()));
                    } else if (variable.attribute() != null) {
                        if (!resources.declares(variable.target()) && !parameters.contains(variable.target())) {
                            throw site.problem("!Sub variable ${" + variable.name() + "} refers to nothing: no resource is named '"
                                    + variable.target() + "'");
                        }
                        value = getAtt(variable.target(), variable.attribute(), site);
                    } else {
                        if (!resources.declares(variable.name()) && !parameters.contains(variable.name())
                                && !Intrinsics.PSEUDO_PARAMETERS.contains(variable.name())) {
                            throw site.problem("!Sub variable ${" + variable.name() + "} refers to nothing: no parameter, "
                                    + "resource or pseudo parameter is named '" + variable.name() + "'");
                        }
                        value = ref(variable.name(), site);
                    }
                    result.append(scalar(value, site, "!Sub variable ${" + variable.name() + "}"));
                }
            }
        }
        return result.toString();
    }

    private String join(Object argument, Site site) {
        var operands = arguments(argument, 2, 2, "Fn::Join", site);
        var delimiter = evaluateString(operands.get(0), site, "the !Join delimiter");
        var items = list(evaluate(operands.get(1), site.index(1)), site, "!Join");
        return String.join(delimiter, items.stream().map(item -> scalar(item, site, "a !Join item")).toList());
    }

    private Object select(Object argument, Site site) {
        var operands = arguments(argument, 2, 2, "Fn::Select", site);
        var indexText = evaluateString(operands.get(0), site, "the !Select index");
        int index;
        try {
            index = Integer.parseInt(indexText);
        } catch (NumberFormatException e) {
            throw site.problem("!Select index '" + indexText + "' is not a whole number");
        }
        var items = list(evaluate(operands.get(1), site.index(1)), site, "!Select");
        if (index < 0 || index >= items.size()) {
            throw site.problem("!Select index " + index + " is outside the list of " + items.size() + " items");
        }
        return items.get(index);
    }

    private List<String> split(Object argument, Site site) {
        var operands = arguments(argument, 2, 2, "Fn::Split", site);
        var delimiter = evaluateString(operands.get(0), site, "the !Split delimiter");
        if (delimiter.isEmpty()) {
            throw site.problem("!Split needs a delimiter that is not empty");
        }
        var source = evaluateString(operands.get(1), site, "the string !Split splits");
        // CloudFormation keeps empty members: !Split [",", "a,,b,"] is ["a", "", "b", ""].
        return List.of(source.split(Pattern.quote(delimiter), -1));
    }

    private Object ifThen(Object argument, Site site) {
        var operands = arguments(argument, 3, 3, "Fn::If", site);
        var name = scalar(operands.get(0), site, "the !If condition");
        return condition(name, site) ? evaluate(operands.get(1), site) : evaluate(operands.get(2), site);
    }

    private Object findInMap(Object argument, Site site) {
        var operands = arguments(argument, 3, 4, "Fn::FindInMap", site);
        var mapName = evaluateString(operands.get(0), site, "the !FindInMap map name");
        var topKey = evaluateString(operands.get(1), site, "the !FindInMap top-level key");
        var secondKey = evaluateString(operands.get(2), site, "the !FindInMap second-level key");
        Object fallback = null;
        if (operands.size() == 4) {
            if (operands.get(3) instanceof Map<?, ?> options && options.containsKey("DefaultValue")) {
                fallback = options.get("DefaultValue");
            } else {
                throw site.problem("the fourth !FindInMap argument must be {DefaultValue: ...}");
            }
        }
        if (!(mappings.get(mapName) instanceof Map<?, ?> map)) {
            throw site.problem("!FindInMap names mapping '" + mapName + "', which Mappings does not declare");
        }
        if (map.get(topKey) instanceof Map<?, ?> second && second.containsKey(secondKey)) {
            return evaluate(second.get(secondKey), site);
        }
        if (fallback != null) {
            return evaluate(fallback, site);
        }
        throw site.problem("!FindInMap [" + mapName + ", " + topKey + ", " + secondKey + "]: mapping " + mapName
                + (map.get(topKey) instanceof Map<?, ?> ? " has no key '" + secondKey + "' under '" + topKey + "'" : " has no key '" + topKey + "'"));
    }

    /** Plausible zones for the region; the local runtime has no zones, only names that look right. */
    private List<String> availabilityZones(Object argument, Site site) {
        var region = evaluateString(argument == null ? "" : argument, site, "the !GetAZs region");
        var zoneRegion = region.isEmpty() ? naming.region() : region;
        return List.of(zoneRegion + "a", zoneRegion + "b", zoneRegion + "c");
    }

    private static List<?> arguments(Object argument, int min, int max, String function, Site site) {
        if (argument instanceof List<?> list && list.size() >= min && list.size() <= max) {
            return list;
        }
        var count = min == max ? String.valueOf(min) : min + " to " + max;
        throw site.problem(Intrinsics.shortForm(function) + " takes a list of " + count + " arguments");
    }

    private static List<?> list(Object value, Site site, String function) {
        if (value instanceof List<?> list) {
            return list;
        }
        throw site.problem(function + " needs a list here, got " + describe(value));
    }

    private String scalarName(Object value, Site site, String function) {
        if (value instanceof String name) {
            return name;
        }
        throw site.problem(function + " needs a name, got " + describe(value));
    }

    /** A scalar as a string; lists, maps and NoValue are problems at {@code site}. */
    static String scalar(Object value, Site site, String what) {
        return switch (value) {
            case String text -> text;
            case Number number -> number.toString();
            case Boolean bool -> bool.toString();
            case null -> throw site.problem(what + " is empty");
            default -> throw site.problem(what + " must be a string, got " + describe(value));
        };
    }

    /** What kind of value this is, never the value itself (it may be a NoEcho parameter's). */
    static String describe(Object value) {
        return switch (value) {
            case List<?> list -> "a list";
            case Map<?, ?> map -> "a mapping";
            case String text -> "a string";
            case Number number -> "a number";
            case Boolean bool -> "a boolean";
            case null -> "nothing";
            default -> value == NO_VALUE ? "AWS::NoValue" : "a " + value.getClass().getSimpleName();
        };
    }
}
