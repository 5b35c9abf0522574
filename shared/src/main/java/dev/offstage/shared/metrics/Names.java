package dev.offstage.shared.metrics;

/** CloudWatch's and EMF's rules for names and dimension values, checked where they are given. */
final class Names {

    /** Metric names and namespaces (CloudWatch's {@code MetricName} and {@code Namespace}). */
    static final int MAX_NAME_LENGTH = 255;
    /** Dimension names: EMF's schema allows 250 where CloudWatch allows 255. */
    static final int MAX_DIMENSION_NAME_LENGTH = 250;
    static final int MAX_DIMENSION_VALUE_LENGTH = 1024;

    private Names() {}

    /** @throws IllegalArgumentException when {@code value} is null, blank or longer than {@code max} */
    static void requireName(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(what + " must be at most " + max
                    + " characters, was " + value.length() + ": '" + value.substring(0, 40) + "…'");
        }
    }

    /** Dimension names: ASCII without control characters, not starting with {@code :}. */
    static void requireDimensionName(String name) {
        requireName("Dimension name", name, MAX_DIMENSION_NAME_LENGTH);
        if (name.startsWith(":")) {
            throw new IllegalArgumentException("Dimension name cannot start with ':', was '" + name + "'");
        }
        requirePrintableAscii("Dimension name '" + name + "'", name);
    }

    /** Dimension values: 1–1024 ASCII characters without control characters. */
    static void requireDimensionValue(String dimension, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Value of dimension '" + dimension + "' must not be empty");
        }
        if (value.length() > MAX_DIMENSION_VALUE_LENGTH) {
            throw new IllegalArgumentException("Value of dimension '" + dimension + "' must be at most "
                    + MAX_DIMENSION_VALUE_LENGTH + " characters, was " + value.length());
        }
        requirePrintableAscii("Value of dimension '" + dimension + "'", value);
    }

    private static void requirePrintableAscii(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(what + " must be printable ASCII (CloudWatch drops the metric"
                        + " otherwise); character " + i + " is U+" + String.format("%04X", (int) c));
            }
        }
    }
}
