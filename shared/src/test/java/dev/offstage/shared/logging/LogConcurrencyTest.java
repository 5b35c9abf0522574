package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class LogConcurrencyTest {

    @Test
    void linesFromManyThreadsNeverInterleave() {
        var log = new CapturedLog();
        var logger = log.logger();
        // Long messages make a torn write likely if lines were written in several pieces.
        var padding = "x".repeat(5_000);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int thread = 0; thread < 16; thread++) {
                int id = thread;
                executor.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        logger.atInfo().addKeyValue("thread", id).addKeyValue("i", i).log(padding);
                    }
                });
            }
        }

        var lines = log.lines();   // each must parse as one JSON object
        assertThat(lines).hasSize(16 * 50);
        var seen = new HashSet<String>();
        for (var line : lines) {
            assertThat(line.get("message").asText()).isEqualTo(padding);
            seen.add(line.get("thread").asInt() + "/" + line.get("i").asInt());
        }
        assertThat(seen).hasSize(16 * 50);
    }
}
