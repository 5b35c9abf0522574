package dev.offstage.local.lambda;

import dev.offstage.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class FunctionOutputTest {

    private static final String JSON_LINE =
            "{\"level\":\"INFO\",\"function\":\"offstage-posts\",\"message\":\"scored\",\"request_id\":\"r-1\"}";

    @Test
    void jsonLinesPassThroughUntouchedAndTextLinesAreLoggedUnderTheFunction() {
        LogCapture.start();
        var json = new ByteArrayOutputStream();
        var output = new FunctionOutput("Posts", new PrintStream(json, true, StandardCharsets.UTF_8));

        output.pump(new ByteArrayInputStream((JSON_LINE + "\nplain println {}\n\n").getBytes(StandardCharsets.UTF_8)));

        assertThat(json.toString(StandardCharsets.UTF_8)).isEqualTo(JSON_LINE + System.lineSeparator());
        assertThat(LogCapture.lines()).singleElement().satisfies(line -> {
            assertThat(line.logger()).isEqualTo("function.Posts");
            assertThat(line.message()).isEqualTo("plain println {}");
            assertThat(line.fields()).containsEntry("function", "Posts");
        });
        assertThat(output.tail()).containsExactly(JSON_LINE, "plain println {}", "");
    }

    @Test
    void listenerSeesEveryLineInOrderAndItsFailureStopsNoOutput() {
        var seen = new ArrayList<String>();
        var json = new ByteArrayOutputStream();
        var output = new FunctionOutput("Posts", new PrintStream(json, true, StandardCharsets.UTF_8), (function, line) -> {
            seen.add(function + ": " + line);
            if (line.startsWith("{")) {
                throw new IllegalStateException("listener bug");
            }
        });

        output.pump(new ByteArrayInputStream((JSON_LINE + "\nplain\n").getBytes(StandardCharsets.UTF_8)));

        assertThat(seen).containsExactly("Posts: " + JSON_LINE, "Posts: plain");
        assertThat(json.toString(StandardCharsets.UTF_8)).isEqualTo(JSON_LINE + System.lineSeparator());
    }
}
