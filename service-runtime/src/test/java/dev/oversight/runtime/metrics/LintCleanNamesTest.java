package dev.oversight.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class LintCleanNamesTest {

    @Test
    void leavesOutMetersInTimeUnitsOtherThanSeconds() {
        assertThat(LintCleanNames.leftOut("kafka.consumer.io.time.ns.avg")).isTrue();
        assertThat(LintCleanNames.leftOut("kafka.app.info.start-time-ms")).isTrue();
        assertThat(LintCleanNames.leftOut("oversight.verdict.latency")).isFalse();
        assertThat(LintCleanNames.leftOut("kafka.mse.nsa")).as("only whole words").isFalse();
        PrometheusMeterRegistry registry = MetricsSetup.prometheus();
        Counter.builder("kafka.producer.flush.time.ns.total").register(registry).increment();
        assertThat(registry.scrape()).doesNotContain("flush_time");
    }

    @Test
    void renamesGaugesThatEndInCountAndGivesEveryMeterAHelpText() {
        PrometheusMeterRegistry registry = MetricsSetup.prometheus();
        Gauge.builder("kafka.consumer.connection.count", () -> 3).register(registry);
        Counter.builder("oversight.things").description("Things").baseUnit("things").register(registry).increment();
        String scrape = registry.scrape();
        assertThat(scrape).contains("kafka_consumer_connection_number 3.0")
                .doesNotContain("kafka_consumer_connection_count ")
                .contains("# HELP kafka_consumer_connection_number Library metric kafka.consumer.connection.count")
                .contains("oversight_things_total 1.0");
    }
}
