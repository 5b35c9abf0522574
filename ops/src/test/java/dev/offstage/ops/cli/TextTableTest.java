package dev.offstage.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(TextTable.duration(0)).isEqualTo("0s");
        assertThat(TextTable.duration(45)).isEqualTo("45s");
        assertThat(TextTable.duration(192)).isEqualTo("3m12s");
        assertThat(TextTable.duration(2 * 3600 + 5 * 60 + 9)).isEqualTo("2h05m");
        assertThat(TextTable.duration(3 * 86_400 + 4 * 3600)).isEqualTo("3d04h");
        assertThat(TextTable.duration(-5)).isEqualTo("0s");
    }

    @Test
    void columnsAlignAndNumbersAlignRight() {
        var table = new TextTable("NAME", ">COUNT", "NOTE").row("a", 1, "x").row("longer", 1234, null);

        assertThat(table.render()).isEqualTo("""
                NAME    COUNT  NOTE
                a           1  x
                longer   1234  -
                """);
    }

    @Test
    void cellsStayOnOneLineAndLongTextIsCut() {
        assertThat(new TextTable("A").row("two\nlines").render()).isEqualTo("A\ntwo lines\n");
        assertThat(TextTable.cut("abcdefghij", 5)).isEqualTo("abcd…");
        assertThat(TextTable.cut("abc", 5)).isEqualTo("abc");
    }
}
