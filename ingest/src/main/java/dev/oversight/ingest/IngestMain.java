package dev.oversight.ingest;

import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Runs ingest alone against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS (how docker-compose runs it). */
public final class IngestMain {

    private IngestMain() {}

    public static void main(String[] args) {
        ServiceRunner.runUntilSignalled("ingest", () -> {
            IngestConfig config = IngestConfig.read(Settings.fromEnvironment(), null);
            TopicProvisioner.ensure(config.kafka(), Duration.ofSeconds(30));
            PrometheusMeterRegistry registry = MetricsSetup.prometheus();
            return ServiceRunner.start(config.httpHost(), config.httpPort(), config.idleTimeout(), registry,
                    List.of(new IngestService(config, registry, Clock.systemUTC())));
        });
    }
}
