package dev.offstage.local.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The template's {@code Parameters} with their values: an override when given, else the
 * {@code Default}; checked against the parameter's type and constraints as CloudFormation checks
 * them at deploy time.
 */
final class ParameterValues {

    /** What a NoEcho parameter shows, as CloudFormation shows it. */
    static final String MASK = "****";

    /**
     * One parameter.
     *
     * @param value a {@code String}, or a {@code List<String>} for list types
     */
    record Parameter(String name, String type, Object value, boolean noEcho) {
        /** The value as given, for display: lists joined with commas, NoEcho values masked. */
        String display() {
            if (noEcho) {
                return MASK;
            }
            return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : (String) value;
        }
    }

    private final Map<String, Parameter> parameters;

    private ParameterValues(Map<String, Parameter> parameters) {
        this.parameters = parameters;
    }

    /** @throws TemplateException listing every parameter problem and every unknown override */
    static ParameterValues resolve(Map<String, Object> declared, Map<String, String> overrides) {
        var problems = new ArrayList<String>();
        var unknown = new TreeSet<>(overrides.keySet());
        unknown.removeAll(declared.keySet());
        if (!unknown.isEmpty()) {
            problems.add("parameter overrides name parameters the template does not declare: " + String.join(", ", unknown)
                    + (declared.isEmpty() ? " (it declares none)" : " (it declares " + String.join(", ", new TreeSet<>(declared.keySet())) + ")"));
        }
        var parameters = new LinkedHashMap<String, Parameter>();
        for (var entry : declared.entrySet()) {
            try {
                parameters.put(entry.getKey(), parameter(entry.getKey(), entry.getValue(), overrides.get(entry.getKey())));
            } catch (TemplateException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new TemplateException(null, problems);
        }
        return new ParameterValues(parameters);
    }

    boolean contains(String name) {
        return parameters.containsKey(name);
    }

    /** The value: a {@code String} or a {@code List<String>}. */
    Object value(String name) {
        return parameters.get(name).value();
    }

    /** The values of NoEcho parameters, longest first, for redacting them from messages. */
    List<String> secrets() {
        return parameters.values().stream()
                .filter(Parameter::noEcho)
                .flatMap(parameter -> parameter.value() instanceof List<?> list
                        ? list.stream().map(String::valueOf) : java.util.stream.Stream.of((String) parameter.value()))
                .filter(value -> !value.isEmpty())
                .sorted(java.util.Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** Every parameter's display value (NoEcho masked), in template order. */
    Map<String, String> displayValues() {
        var values = new LinkedHashMap<String, String>();
        parameters.forEach((name, parameter) -> values.put(name, parameter.display()));
        return values;
    }

    private static Parameter parameter(String name, Object definition, String override) {
        var site = Site.section("parameter " + name);
        if (!(definition instanceof Map<?, ?> spec)) {
            throw site.problem("must be a mapping with a Type");
        }
        if (!(spec.get("Type") instanceof String type)) {
            throw site.problem("has no Type");
        }
        var noEcho = Boolean.TRUE.equals(spec.get("NoEcho")) || "true".equalsIgnoreCase(String.valueOf(spec.get("NoEcho")));
        var list = type.equals("CommaDelimitedList") || type.startsWith("List<");
        if (type.startsWith("AWS::SSM::Parameter::Value<") && override == null) {
            throw site.problem("has type " + type + ", whose value lives in SSM Parameter Store, which the local runtime "
                    + "does not emulate: give the value as a parameter override");
        }
        if (!knownType(type)) {
            throw site.problem("has unknown Type '" + type + "' (String, Number, List<Number>, CommaDelimitedList, "
                    + "AWS-specific or SSM parameter types)");
        }
        String text;
        if (override != null) {
            text = override;
        } else if (spec.containsKey("Default")) {
            text = defaultText(spec.get("Default"), site);
        } else {
            throw site.problem("has no Default and no override: give it a Default in the template or a value as a parameter override");
        }
        Object value = list ? splitList(text) : text;
        check(site, type, spec, value, noEcho);
        return new Parameter(name, type, value, noEcho);
    }

    private static boolean knownType(String type) {
        return type.equals("String") || type.equals("Number") || type.equals("CommaDelimitedList")
                || type.equals("List<Number>") || type.startsWith("AWS::") || type.startsWith("List<AWS::");
    }

    private static String defaultText(Object value, Site site) {
        return switch (value) {
            case null -> "";
            case String text -> text;
            case Number number -> number.toString();
            case Boolean bool -> bool.toString();
            case List<?> items when items.stream().noneMatch(item -> item instanceof Map || item instanceof List) ->
                    String.join(",", items.stream().map(String::valueOf).toList());
            default -> throw site.child("Default").problem("must be a string or a number");
        };
    }

    /** CloudFormation splits on commas and trims each member. */
    private static List<String> splitList(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(text.split(",", -1)).map(String::strip).toList();
    }

    private static void check(Site site, String type, Map<?, ?> spec, Object value, boolean noEcho) {
        var members = value instanceof List<?> list ? list.stream().map(String.class::cast).toList() : List.of((String) value);
        var numeric = type.equals("Number") || type.equals("List<Number>");
        for (var member : members) {
            var shown = noEcho ? "the value given" : "value '" + member + "'";
            var because = spec.get("ConstraintDescription") instanceof String description ? " (" + description + ")" : "";
            if (numeric) {
                try {
                    var number = new BigDecimal(member);
                    if (spec.get("MinValue") != null && number.compareTo(new BigDecimal(String.valueOf(spec.get("MinValue")))) < 0) {
                        throw site.problem(shown + " is below MinValue " + spec.get("MinValue") + because);
                    }
                    if (spec.get("MaxValue") != null && number.compareTo(new BigDecimal(String.valueOf(spec.get("MaxValue")))) > 0) {
                        throw site.problem(shown + " is above MaxValue " + spec.get("MaxValue") + because);
                    }
                } catch (NumberFormatException e) {
                    throw site.problem(shown + " is not a number, as Type " + type + " requires");
                }
            }
            if (spec.get("AllowedValues") instanceof List<?> allowed
                    && allowed.stream().map(ParameterValues::scalarText).noneMatch(member::equals)) {
                throw site.problem(shown + " is not one of the AllowedValues "
                        + allowed.stream().map(ParameterValues::scalarText).toList() + because);
            }
            if (spec.get("AllowedPattern") instanceof String pattern) {
                try {
                    if (!Pattern.compile(pattern).matcher(member).matches()) {
                        throw site.problem(shown + " does not match the AllowedPattern " + pattern + because);
                    }
                } catch (PatternSyntaxException e) {
                    throw site.child("AllowedPattern").problem("is not a valid regular expression: " + e.getDescription());
                }
            }
            if (spec.get("MinLength") instanceof Number min && member.length() < min.intValue()) {
                throw site.problem(shown + " is shorter than MinLength " + min + because);
            }
            if (spec.get("MaxLength") instanceof Number max && member.length() > max.intValue()) {
                throw site.problem(shown + " is longer than MaxLength " + max + because);
            }
        }
    }

    private static String scalarText(Object value) {
        return String.valueOf(value);
    }
}
