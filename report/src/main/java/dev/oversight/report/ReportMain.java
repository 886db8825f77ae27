package dev.oversight.report;

import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Runs the report alone against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS (how docker-compose runs it). */
public final class ReportMain {

    private ReportMain() {}

    public static void main(String[] args) {
        ServiceRunner.runUntilSignalled("report", () -> {
            ReportConfig config = ReportConfig.read(Settings.fromEnvironment(), null);
            TopicProvisioner.ensure(config.kafka(), Duration.ofSeconds(30));
            PrometheusMeterRegistry registry = MetricsSetup.prometheus();
            return ServiceRunner.start(config.httpHost(), config.httpPort(), Duration.ofSeconds(30), registry,
                    List.of(new ReportService(config, registry, Clock.systemUTC())));
        });
    }
}
