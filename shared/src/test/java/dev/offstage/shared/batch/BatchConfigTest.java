package dev.offstage.shared.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchConfigTest {

    @Test
    void defaultsProcessOneRecordAfterTheOtherCallTheFifthReceivePoisonAndKeepNoReserve() {
        assertThat(BatchConfig.defaults()).isEqualTo(new BatchConfig(1, 5, Duration.ZERO));
        assertThat(BatchConfig.from(Environment.of(Map.of()))).isEqualTo(BatchConfig.defaults());
    }

    @Test
    void environmentSetsEverySetting() {
        var config = BatchConfig.from(Environment.of(Map.of(
                "OFFSTAGE_BATCH_PARALLELISM", "8", "OFFSTAGE_BATCH_POISON_RECEIVE_COUNT", "3", "OFFSTAGE_BATCH_DEADLINE_RESERVE_SECONDS", "5")));

        assertThat(config).isEqualTo(new BatchConfig(8, 3, Duration.ofSeconds(5)));
    }

    @Test
    void parallelismBelowOneIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> BatchConfig.from(Environment.of(Map.of("OFFSTAGE_BATCH_PARALLELISM", "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_BATCH_PARALLELISM");
        assertThatThrownBy(() -> BatchConfig.from(Environment.of(Map.of("OFFSTAGE_BATCH_PARALLELISM", "many"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_BATCH_PARALLELISM");
        assertThatThrownBy(() -> BatchConfig.defaults().withParallelism(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void poisonReceiveCountBelowOneIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> BatchConfig.from(Environment.of(Map.of("OFFSTAGE_BATCH_POISON_RECEIVE_COUNT", "-1"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_BATCH_POISON_RECEIVE_COUNT");
        assertThatThrownBy(() -> BatchConfig.defaults().withPoisonReceiveCount(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeDeadlineReserveIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> BatchConfig.from(Environment.of(Map.of("OFFSTAGE_BATCH_DEADLINE_RESERVE_SECONDS", "-2"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_BATCH_DEADLINE_RESERVE_SECONDS");
        assertThatThrownBy(() -> BatchConfig.defaults().withDeadlineReserve(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withersChangeOnlyTheirOwnSetting() {
        var config = BatchConfig.defaults().withPoisonReceiveCount(3).withDeadlineReserve(Duration.ofSeconds(2))
                .withParallelism(4);

        assertThat(config).isEqualTo(new BatchConfig(4, 3, Duration.ofSeconds(2)));
        assertThat(config.parallel()).isEqualTo(new BatchConfig(BatchConfig.UNLIMITED, 3, Duration.ofSeconds(2)));
    }

    @Test
    void parallelMeansNoCap() {
        assertThat(BatchConfig.defaults().parallel().parallelism()).isEqualTo(BatchConfig.UNLIMITED);
    }
}
