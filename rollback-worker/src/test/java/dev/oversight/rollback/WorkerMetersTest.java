package dev.oversight.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.policy.file.PolicyFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerMetersTest {

    @Test
    void alertAndRollbackCountersTheConfigurationWillUseStartAtZero() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMeters meters = new WorkerMeters(registry, service -> service.equals("payments") ? "money" : "none");
        meters.initialize(PolicyFile.parse("""
                name: p
                environments:
                  production: { protected: true, action: alert+rollback }
                  canary: { protected: true, action: alert }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: webhook, url: "http://d" } }
                  - { name: web, repository: "github:acme/web", rollback: { executor: none } }
                """, "p.yaml"), List.of("alertmanager", "webhook"));
        assertThat(registry.get(WorkerMeters.ROLLBACKS).tags("executor", "webhook", "outcome", "failed",
                "reason", "rollback_failed", "environment", "production", "service", "payments", "team", "money")
                .counter().count()).isZero();
        assertThat(registry.find(WorkerMeters.ROLLBACKS).tag("environment", "canary").counters())
                .as("canary only alerts").isEmpty();
        assertThat(registry.find(WorkerMeters.ROLLBACKS).tag("service", "web").counters())
                .as("web has no executor").isEmpty();
        assertThat(registry.get(WorkerMeters.ALERTS).tags("sink", "alertmanager", "environment", "canary").counters())
                .hasSize(4);
        assertThat(registry.get(WorkerMeters.DEAD_LETTERS).tag("stage", "rollback-worker").counter().count()).isZero();
        meters.close();
    }
}
