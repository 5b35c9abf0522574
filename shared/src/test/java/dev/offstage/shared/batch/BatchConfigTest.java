package dev.offstage.shared.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchConfigTest {

    @Test
    void defaultsProcessOneRecordAfterTheOtherAndCallTheFifthReceivePoison() {
        assertThat(BatchConfig.defaults().parallelism()).isEqualTo(1);
        assertThat(BatchConfig.defaults().poisonReceiveCount()).isEqualTo(5);
        assertThat(BatchConfig.from(Environment.of(Map.of()))).isEqualTo(BatchConfig.defaults());
    }

    @Test
    void environmentSetsParallelismAndPoisonReceiveCount() {
        var config = BatchConfig.from(Environment.of(Map.of("BATCH_PARALLELISM", "8", "BATCH_POISON_RECEIVE_COUNT", "3")));

        assertThat(config).isEqualTo(new BatchConfig(8, 3));
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
    void poisonReceiveCountBelowOneIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> BatchConfig.from(Environment.of(Map.of("BATCH_POISON_RECEIVE_COUNT", "-1"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BATCH_POISON_RECEIVE_COUNT");
        assertThatThrownBy(() -> BatchConfig.defaults().withPoisonReceiveCount(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withersChangeOnlyTheirOwnSetting() {
        var config = BatchConfig.defaults().withPoisonReceiveCount(3).withParallelism(4);

        assertThat(config).isEqualTo(new BatchConfig(4, 3));
        assertThat(config.parallel()).isEqualTo(new BatchConfig(BatchConfig.UNLIMITED, 3));
    }

    @Test
    void parallelMeansNoCap() {
        assertThat(BatchConfig.defaults().parallel().parallelism()).isEqualTo(BatchConfig.UNLIMITED);
    }
}
