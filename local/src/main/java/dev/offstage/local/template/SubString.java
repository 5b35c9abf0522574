package dev.offstage.local.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an {@code Fn::Sub} string: literal text and {@code ${Name}} / {@code ${Res.Attr}}
 * variables; {@code ${!Literal}} is text that reads {@code ${Literal}}. Shared by the reference
 * check and the evaluator so that both see the same variables.
 */
record SubString(List<Part> parts) {

    sealed interface Part {}

    record Text(String text) implements Part {}

    /** {@code ${name}}; {@code name} is a parameter, resource, pseudo parameter or {@code Resource.Attribute}. */
    record Variable(String name) implements Part {

        /** The resource (or parameter) the variable names: the part before the first dot. */
        String target() {
            var dot = name.indexOf('.');
            return dot < 0 ? name : name.substring(0, dot);
        }

        /** The attribute after the first dot, or {@code null} for a plain reference. */
        String attribute() {
            var dot = name.indexOf('.');
            return dot < 0 ? null : name.substring(dot + 1);
        }
    }

    static SubString parse(String text) {
        var parts = new ArrayList<Part>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            int end = start < 0 ? -1 : text.indexOf('}', start + 2);
            if (start < 0 || end < 0) {
                // No (closed) variable left: CloudFormation keeps the rest as it is.
                literal.append(text, i, text.length());
                break;
            }
            literal.append(text, i, start);
            var name = text.substring(start + 2, end);
            if (name.startsWith("!")) {
                literal.append("${").append(name, 1, name.length()).append('}');
            } else {
                if (!literal.isEmpty()) {
                    parts.add(new Text(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Variable(name));
            }
            i = end + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Text(literal.toString()));
        }
        return new SubString(List.copyOf(parts));
    }

    List<Variable> variables() {
        return parts.stream().filter(Variable.class::isInstance).map(Variable.class::cast).toList();
    }

    /** The argument of {@code Fn::Sub}: its text and its own variables (empty in the string form). */
    record Argument(String text, Map<?, ?> variables) {

        /** Reads either form, {@code "text"} or {@code [text, {variables}]}; empty for any other shape. */
        static Optional<Argument> of(Object argument) {
            if (argument instanceof String text) {
                return Optional.of(new Argument(text, Map.of()));
            }
            if (argument instanceof List<?> list && list.size() == 2 && list.get(0) instanceof String text
                    && list.get(1) instanceof Map<?, ?> variables) {
                return Optional.of(new Argument(text, variables));
            }
            return Optional.empty();
        }
    }
}
