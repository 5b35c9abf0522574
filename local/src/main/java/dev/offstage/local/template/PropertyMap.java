package dev.offstage.local.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A resource's (or nested property's) properties, read by name and type. Each value is evaluated
 * when read, so only the properties the runtime uses are resolved, and every problem names the
 * property it is about.
 */
final class PropertyMap {

    private final Map<?, ?> values;
    private final Evaluator evaluator;
    private final Site site;

    PropertyMap(Map<?, ?> values, Evaluator evaluator, Site site) {
        this.values = values;
        this.evaluator = evaluator;
        this.site = site;
    }

    Site site() {
        return site;
    }

    Site site(String key) {
        return site.child(key);
    }

    Set<?> keys() {
        return values.keySet();
    }

    /** Whether the property is written (it may still evaluate to {@code AWS::NoValue}). */
    boolean written(String key) {
        return values.containsKey(key);
    }

    /** The evaluated value; empty when absent, null or {@code AWS::NoValue}. */
    Optional<Object> value(String key) {
        if (!values.containsKey(key)) {
            return Optional.empty();
        }
        var evaluated = evaluator.evaluate(values.get(key), site(key));
        return evaluated == Evaluator.NO_VALUE ? Optional.empty() : Optional.ofNullable(evaluated);
    }

    /** The value as written, intrinsics unevaluated. */
    Object raw(String key) {
        return values.get(key);
    }

    Optional<String> string(String key) {
        return value(key).map(value -> Evaluator.scalar(value, site(key), key));
    }

    String requiredString(String key) {
        return string(key).orElseThrow(() -> site.problem("has no " + key));
    }

    OptionalInt integer(String key) {
        var text = string(key);
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            var number = Double.parseDouble(text.get());
            if (number != Math.rint(number) || Math.abs(number) > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return OptionalInt.of((int) number);
        } catch (NumberFormatException e) {
            throw site(key).problem("must be a whole number, got '" + text.get() + "'");
        }
    }

    int integer(String key, int fallback) {
        return integer(key).orElse(fallback);
    }

    /** An integer within {@code [min, max]}, or the fallback when absent. */
    int integer(String key, int fallback, int min, int max) {
        var value = integer(key, fallback);
        if (value < min || value > max) {
            throw site(key).problem("must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    boolean bool(String key, boolean fallback) {
        var text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw site(key).problem("must be true or false, got '" + text.get() + "'");
        };
    }

    /** A nested mapping; empty when absent. An intrinsic producing a mapping is evaluated first. */
    Optional<PropertyMap> map(String key) {
        var raw = values.get(key);
        if (raw == null) {
            return Optional.empty();
        }
        if (raw instanceof Map<?, ?> map && !Intrinsics.isCall(map)) {
            return Optional.of(new PropertyMap(map, evaluator, site(key)));
        }
        var evaluated = evaluator.evaluate(raw, site(key));
        if (evaluated == Evaluator.NO_VALUE) {
            return Optional.empty();
        }
        if (evaluated instanceof Map<?, ?> map) {
            return Optional.of(new PropertyMap(map, evaluator, site(key)));
        }
        throw site(key).problem("must be a mapping, got " + Evaluator.describe(evaluated));
    }

    /** A list of mappings (KeySchema, GlobalSecondaryIndexes); empty when absent. */
    List<PropertyMap> maps(String key) {
        var value = value(key);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!(value.get() instanceof List<?> list)) {
            throw site(key).problem("must be a list, got " + Evaluator.describe(value.get()));
        }
        var maps = new ArrayList<PropertyMap>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw site(key).index(i).problem("must be a mapping, got " + Evaluator.describe(list.get(i)));
            }
            maps.add(new PropertyMap(map, evaluator, site(key).index(i)));
        }
        return maps;
    }

    /** A list of strings; a single string counts as a list of one. Empty when absent. */
    List<String> strings(String key) {
        var value = value(key);
        if (value.isEmpty()) {
            return List.of();
        }
        if (value.get() instanceof List<?> list) {
            var strings = new ArrayList<String>();
            for (int i = 0; i < list.size(); i++) {
                strings.add(Evaluator.scalar(list.get(i), site(key).index(i), key));
            }
            return strings;
        }
        return List.of(Evaluator.scalar(value.get(), site(key), key));
    }
}
