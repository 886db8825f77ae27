package dev.oversight.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.runtime.metrics.MetricsSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class PolicyMetersTest {

    @Test
    void countersOfNamedServicesInProtectedEnvironmentsStartAtZero() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PolicyMeters(registry).initialize(PolicyFile.parse("""
                name: p
                environments:
                  production: { protected: true }
                  staging: { protected: false }
                services:
                  - { name: payments, repository: "github:acme/payments", team: money }
                  - { name: web, repository: "github:acme/web" }
                """, "p.yaml"));
        assertThat(registry.get(PolicyMeters.VERDICTS).tags("status", "violation", "environment", "production",
                "service", "payments", "team", "money").counter().count()).isZero();
        assertThat(registry.get(PolicyMeters.VERDICTS).tags("status", "compliant", "service", "web", "team", "none")
                .counter().count()).isZero();
        assertThat(registry.get(PolicyMeters.REASONS).tags("reason", "SELF_APPROVAL", "service", "payments")
                .counter().count()).isZero();
        assertThat(registry.get(PolicyMeters.DEPLOYS).tags("protected", "true", "service", "web").counter().count())
                .isZero();
        assertThat(registry.get(PolicyMeters.BREAK_GLASS_REVIEWS).tags("outcome", "late").counters()).hasSize(2);
        assertThat(registry.find(PolicyMeters.VERDICTS).tag("environment", "staging").counters()).isEmpty();
        assertThat(registry.find(PolicyMeters.LATENCY).tag("environment", "staging").timers())
                .as("latency in every environment, for every final status").hasSize(5);
        assertThat(registry.find(PolicyMeters.DEAD_LETTERS).counters()).extracting(c -> c.getId().getTag("stage"))
                .containsExactlyInAnyOrder("policy-stream-deserialize", "policy-stream-process");
    }

    @Test
    void prometheusNamesAreTheOnesTheDashboardsQuery() {
        PrometheusMeterRegistry registry = MetricsSetup.prometheus();
        PolicyMeters meters = new PolicyMeters(registry);
        meters.breakGlassReview("in_time", "production", "payments", "money");
        meters.latency(VerdictStatus.COMPLIANT, "production", Duration.ofMillis(300));
        meters.verdict(VerdictStatus.VIOLATION, "production", "payments", "money");
        meters.reason(ReasonCode.SELF_APPROVAL, "production", "payments", "money");
        meters.deploy("production", "payments", "money", true);
        assertThat(registry.scrape()).contains(
                "oversight_breakglass_reviews_total{environment=\"production\",outcome=\"in_time\",service=\"payments\",team=\"money\"} 1.0",
                "oversight_verdict_latency_seconds_bucket{environment=\"production\",status=\"compliant\",le=\"0.357913941\"} 1",
                "oversight_verdicts_total{environment=\"production\",service=\"payments\",status=\"violation\",team=\"money\"} 1.0",
                "oversight_verdict_reasons_total{environment=\"production\",reason=\"SELF_APPROVAL\",service=\"payments\",team=\"money\"} 1.0",
                "oversight_deploys_total{environment=\"production\",protected=\"true\",service=\"payments\",team=\"money\"} 1.0");
    }
}
