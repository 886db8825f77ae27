package dev.oversight.rollback;

import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Runs rollback-worker alone against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS (how docker-compose runs it). */
public final class RollbackWorkerMain {

    private RollbackWorkerMain() {}

    public static void main(String[] args) {
        ServiceRunner.runUntilSignalled("rollback-worker", () -> {
            WorkerConfig config = WorkerConfig.read(Settings.fromEnvironment(), null);
            TopicProvisioner.ensure(config.kafka(), Duration.ofSeconds(30));
            PrometheusMeterRegistry registry = MetricsSetup.prometheus();
            return ServiceRunner.start(config.httpHost(), config.httpPort(), Duration.ofSeconds(30), registry,
                    List.of(new RollbackWorker(config, Sinks.from(config, Clock.systemUTC()), registry,
                            Clock.systemUTC())));
        });
    }
}
