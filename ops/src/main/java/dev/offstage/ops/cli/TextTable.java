package dev.offstage.ops.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows under a header, each column as wide as its widest cell; numeric columns right-aligned. */
final class TextTable {

    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /** @param headers column titles; a title starting with {@code >} is right-aligned (the {@code >} is not shown) */
    TextTable(String... headers) {
        this.headers = new String[headers.length];
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            rightAligned[i] = headers[i].startsWith(">");
            this.headers[i] = rightAligned[i] ? headers[i].substring(1) : headers[i];
        }
    }

    TextTable row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(cell -> cell == null ? "-" : oneLine(cell.toString())).toArray(String[]::new));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String render() {
        var widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (var row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        var text = new StringBuilder();
        line(text, headers, widths);
        for (var row : rows) {
            line(text, row, widths);
        }
        return text.toString();
    }

    private void line(StringBuilder text, String[] cells, int[] widths) {
        var line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            var padding = " ".repeat(widths[i] - cells[i].length());
            if (rightAligned[i]) {
                line.append(padding).append(cells[i]);
            } else {
                line.append(cells[i]);
                if (i < cells.length - 1) {
                    line.append(padding);
                }
            }
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }

    private static String oneLine(String text) {
        return text.replace("\r", "").replace('\n', ' ').replace('\t', ' ');
    }

    /** {@code text} cut to {@code max} characters, an ellipsis marking the cut. */
    static String cut(String text, int max) {
        if (text == null) {
            return null;
        }
        var line = oneLine(text);
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    /** A duration as people read it: 45s, 3m12s, 2h05m, 3d04h. */
    static String duration(long seconds) {
        if (seconds < 0) {
            seconds = 0;
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format("%02ds", seconds % 60);
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h" + String.format("%02dm", seconds % 3600 / 60);
        }
        return seconds / 86_400 + "d" + String.format("%02dh", seconds % 86_400 / 3600);
    }
}
