package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogEscapingTest {

    private final CapturedLog log = new CapturedLog();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void quotesBackslashesAndControlCharactersRoundTrip() {
        var nasty = "say \"hi\" \\ path C:\\tmp\n\r\t\b\f \u0000 \u0001 \u001f end";

        log.logger().info(nasty);

        assertThat(log.line().get("message").asText()).isEqualTo(nasty);
        assertThat(log.rawLines()).hasSize(1);
    }

    @Test
    void controlCharactersAreWrittenAsEscapes() {
        log.logger().info("a\u0000b\u001fc");

        assertThat(log.raw()).contains("a\\u0000b\\u001fc");
    }

    @Test
    void unicodeIsWrittenAsUtf8AndRoundTrips() {
        var text = "Zoë 日本語 emoji 🎬 ünïcödé";

        log.logger().info(text);

        assertThat(log.line().get("message").asText()).isEqualTo(text);
        assertThat(log.out.toByteArray()).containsSequence(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void javascriptLineSeparatorsAreEscaped() {
        log.logger().info("a\u2028b\u2029c");

        assertThat(log.raw()).contains("a\\u2028b\\u2029c");
        assertThat(log.line().get("message").asText()).isEqualTo("a\u2028b\u2029c");
    }

    @Test
    void unpairedSurrogatesAreEscapedSoTheLineStaysValidUtf8() {
        var broken = "half \uD83C and \uDFAC reversed";

        log.logger().info(broken);

        assertThat(log.raw()).contains("half \\ud83c and \\udfac reversed");
        assertThat(log.line().get("message").asText()).isEqualTo(broken);
    }

    @Test
    void keysAndValuesFromMdcAndKeyValuesAreEscapedToo() {
        MDC.put("we\"ird", "va\"lue\n");
        log.logger().atInfo().addKeyValue("k\\ey", "line1\nline2").log("x");

        var line = log.line();
        assertThat(line.get("we\"ird").asText()).isEqualTo("va\"lue\n");
        assertThat(line.get("k\\ey").asText()).isEqualTo("line1\nline2");
    }

    @Test
    void nonFiniteNumbersBecomeStrings() {
        log.logger().atInfo().addKeyValue("ratio", Double.NaN).addKeyValue("big", Double.POSITIVE_INFINITY).log("x");

        var line = log.line();
        assertThat(line.get("ratio").asText()).isEqualTo("NaN");
        assertThat(line.get("big").asText()).isEqualTo("Infinity");
    }

    @Test
    void escapedPlaceholdersAndPlaceholdersWithoutArgumentsStayLiteral() {
        log.logger().info("literal {} and \\{} {}", "one", "two");
        log.logger().info("no arguments {}");

        var lines = log.lines();
        assertThat(lines.get(0).get("message").asText()).isEqualTo("literal one and {} two");
        assertThat(lines.get(1).get("message").asText()).isEqualTo("no arguments {}");
    }
}
