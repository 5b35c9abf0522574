package dev.offstage.shared.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchConfigTest {

    @Test
    void defaultsProcessOneRecordAfterTheOther() {
        assertThat(BatchConfig.defaults().parallelism()).isEqualTo(1);
        assertThat(BatchConfig.from(Environment.of(Map.of()))).isEqualTo(BatchConfig.defaults());
    }

    @Test
    void environmentSetsParallelism() {
        var config = BatchConfig.from(Environment.of(Map.of("BATCH_PARALLELISM", "8")));

        assertThat(config.parallelism()).isEqualTo(8);
    }

    @Test
    void parallelismBelowOneIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> BatchConfig.from(Environment.of(Map.of("BATCH_PARALLELISM", "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BATCH_PARALLELISM");
        assertThatThrownBy(() -> BatchConfig.from(Environment.of(Map.of("BATCH_PARALLELISM", "many"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BATCH_PARALLELISM");
        assertThatThrownBy(() -> BatchConfig.defaults().withParallelism(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parallelMeansNoCap() {
        assertThat(BatchConfig.defaults().parallel().parallelism()).isEqualTo(BatchConfig.UNLIMITED);
    }
}
