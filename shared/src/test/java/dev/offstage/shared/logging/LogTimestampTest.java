package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogTimestampTest {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void timestampsAreIsoUtcWithMillisecondsAlwaysPresent() {
        assertThat(IsoTimestamp.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(IsoTimestamp.format(1_772_357_400_042L)).isEqualTo("2026-03-01T09:30:00.042Z");
        assertThat(IsoTimestamp.format(951_782_400_000L)).isEqualTo("2000-02-29T00:00:00.000Z");
        assertThat(IsoTimestamp.format(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    @Test
    void timestampsAgreeWithJavaTimeAcrossCenturies() {
        var random = new SplittableRandom(7);
        long from = Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2300-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(from, to);
            assertThat(IsoTimestamp.format(millis)).isEqualTo(ISO_MILLIS.format(Instant.ofEpochMilli(millis)));
        }
    }
}
