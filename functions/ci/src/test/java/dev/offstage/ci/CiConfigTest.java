package dev.offstage.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ci.runner.TarballExtractor;
import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CiConfigTest {

    @Test
    void sourceLimitsDefaultToTheExtractorsAndTheDownloadTo512Mebibytes() {
        var config = new CiConfig(Environment.of(Map.of()));

        assertThat(config.extractionLimits()).isEqualTo(TarballExtractor.Limits.defaults());
        assertThat(config.tarballMaxBytes()).isEqualTo(512L * 1024 * 1024);
    }

    @Test
    void sourceLimitsAreReadFromTheEnvironment() {
        var config = new CiConfig(Environment.of(Map.of(
                CiConfig.SOURCE_MAX_BYTES, "8589934592", CiConfig.SOURCE_MAX_ENTRIES, "500000",
                CiConfig.TARBALL_MAX_BYTES, "1048576")));

        assertThat(config.extractionLimits()).isEqualTo(new TarballExtractor.Limits(8L << 30, 500_000, 4096));
        assertThat(config.tarballMaxBytes()).isEqualTo(1 << 20);
    }

    @Test
    void sourceLimitsThatAreNotPositiveIntegersFailTheInitNamingTheVariable() {
        for (var bad : Map.of(CiConfig.SOURCE_MAX_BYTES, "0", CiConfig.SOURCE_MAX_ENTRIES, "-1",
                CiConfig.TARBALL_MAX_BYTES, "1GB").entrySet()) {
            var config = new CiConfig(Environment.of(Map.of(bad.getKey(), bad.getValue())));

            assertThatThrownBy(() -> {
                config.extractionLimits();
                config.tarballMaxBytes();
            }).as(bad.getKey()).isInstanceOf(ConfigurationException.class).hasMessageContaining(bad.getKey());
        }
    }
}
