package dev.oversight.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.policy.file.PolicyFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Meters on {@link #registry}, payments in team money, initialized with the policy and the sinks. */
    private WorkerMeters initialized(String policy, String... sinks) {
        WorkerMeters meters = new WorkerMeters(registry, service -> service.equals("payments") ? "money" : "none");
        meters.initialize(PolicyFile.parse(policy, "p.yaml"), List.of(sinks));
        return meters;
    }

    @Test
    void alertAndRollbackCountersTheConfigurationWillUseStartAtZero() {
        WorkerMeters meters = initialized("""
                name: p
                environments:
                  production: { protected: true, action: alert+rollback }
                  canary: { protected: true, action: alert }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: webhook, url: "http://d" } }
                  - { name: web, repository: "github:acme/web", rollback: { executor: none } }
                """, "alertmanager", "webhook");
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
        assertThat(registry.get(WorkerMeters.ROLLBACKS).tags("outcome", "failed", "reason", "outcome_unknown",
                "service", "payments").counter().count()).as("a rollback that may not have happened fails too").isZero();
        meters.close();
    }

    @Test
    void openViolationsOfThePolicysServicesShowZeroUntilOneIsOpenAndAnyOtherServiceFromItsFirst() {
        WorkerMeters meters = initialized("""
                name: p
                environments:
                  production: { protected: true, action: alert }
                  staging: { protected: false }
                services:
                  - { name: payments, repository: "github:acme/payments" }
                """, "webhook");
        assertThat(registry.get(WorkerMeters.OPEN_VIOLATIONS).tags("environment", "production", "service", "payments",
                "team", "money").gauge().value()).isZero();
        assertThat(registry.find(WorkerMeters.OPEN_VIOLATIONS).tag("environment", "staging").gauges()).isEmpty();

        meters.openViolations(Map.of(List.of("production", "search"), 1L));
        assertThat(registry.get(WorkerMeters.OPEN_VIOLATIONS).tags("service", "search", "team", "none").gauge().value())
                .isEqualTo(1);
        assertThat(registry.get(WorkerMeters.OPEN_VIOLATIONS).tag("service", "payments").gauge().value()).isZero();
        meters.openViolations(Map.of(List.of("production", "payments"), 2L));
        assertThat(registry.get(WorkerMeters.OPEN_VIOLATIONS).tag("service", "payments").gauge().value()).isEqualTo(2);
        meters.close();
    }
}
