package dev.oversight.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.policy.rules.RollbackTarget;
import dev.oversight.rollback.alert.Runbook;
import dev.oversight.runtime.config.ConfigException;
import dev.oversight.runtime.config.Settings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {

    @TempDir
    Path dir;

    private Map<String, String> base(String policy) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, policy);
        Map<String, String> values = new HashMap<>();
        values.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        values.put("OVERSIGHT_POLICY_FILE", file.toString());
        return values;
    }

    private static final String ROLLING_BACK = """
            name: acme
            environments:
              production: { protected: true, action: alert+rollback }
            services:
              - { name: payments, repository: "github:acme/payments", rollback: { executor: github } }
              - { name: ledger, repository: "github:acme/ledger", rollback: { executor: argocd, application: ledger-prod } }
              - { name: search, repository: "gitlab:acme/search", rollback: { executor: webhook, url: "https://deployer.example/rollback" } }
              - { name: batch, repository: "github:acme/batch", rollback: { executor: command, argv: ["/opt/rollback.sh", "--fast"] } }
              - { name: docs, repository: "github:acme/docs" }
            """;

    @Test
    void readsEachServicesRollbackTarget() throws Exception {
        Map<String, String> values = base(ROLLING_BACK);
        values.put("OVERSIGHT_GITHUB_TOKEN", "ghp_secret");
        values.put("OVERSIGHT_ARGOCD_URL", "https://argocd.example");
        values.put("OVERSIGHT_ARGOCD_TOKEN", "argo-secret");
        values.put("OVERSIGHT_ROLLBACK_WEBHOOK_SECRET", "hook-secret");
        Path script = dir.resolve("rollback.sh");
        Files.writeString(script, "#!/bin/sh\n");
        script.toFile().setExecutable(true);
        values.put("OVERSIGHT_POLICY_FILE", Files.writeString(dir.resolve("p2.yaml"),
                ROLLING_BACK.replace("/opt/rollback.sh", script.toString())).toString());
        WorkerConfig config = WorkerConfig.read(Settings.of(values), null);
        assertThat(config.rollbackOf("payments")).isEqualTo(new RollbackTarget.GitHub("acme", "payments", null));
        assertThat(config.rollbackOf("ledger")).isEqualTo(new RollbackTarget.ArgoCd("ledger-prod", null));
        assertThat(config.rollbackOf("search"))
                .isEqualTo(new RollbackTarget.Webhook(URI.create("https://deployer.example/rollback")));
        assertThat(config.rollbackOf("batch"))
                .isEqualTo(new RollbackTarget.Command(List.of(script.toString(), "--fast")));
        assertThat(config.rollbackOf("docs")).isEqualTo(new RollbackTarget.None());
        assertThat(config.rollbackOf("not-in-policy")).isEqualTo(new RollbackTarget.None());
    }

    @Test
    void reportsEveryProblemAtOnce() throws Exception {
        Map<String, String> values = base("""
                name: acme
                environments:
                  production: { protected: true, action: rollback }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: github, branch: main } }
                  - { name: ledger, repository: "github:acme/ledger", rollback: { executor: argocd } }
                  - { name: search, repository: "gitlab:acme/search", rollback: { executor: webhook } }
                  - { name: batch, repository: "github:acme/batch", rollback: { executor: command } }
                  - { name: infra, repository: "gitlab:acme/infra", rollback: { executor: github } }
                """);
        values.put("OVERSIGHT_ALERTMANAGER_REFRESH", "soon");
        values.put("OVERSIGHT_PAGERDUTY_MAX_PER_MINUTE", "120");
        values.put("OVERSIGHT_WORKER_RETRY_BACKOFF", "1m");
        values.put("OVERSIGHT_WORKER_RETRY_MAX_BACKOFF", "10s");
        // A service's rollback entry is read with the policy file: its problems are the file's, under its setting.
        String file = "OVERSIGHT_POLICY_FILE (" + values.get("OVERSIGHT_POLICY_FILE") + "): ";
        assertThatThrownBy(() -> WorkerConfig.read(Settings.of(values), null))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "OVERSIGHT_ALERTMANAGER_REFRESH must be a duration such as 60s, 5m, 24h or 500ms, got 'soon' (not a duration)",
                        "OVERSIGHT_PAGERDUTY_MAX_PER_MINUTE must be a whole number, got '120' (must be between 1 and 119)",
                        "OVERSIGHT_WORKER_RETRY_MAX_BACKOFF (PT10S) must not be shorter than OVERSIGHT_WORKER_RETRY_BACKOFF (PT1M)",
                        file + "services[payments].rollback.branch: unknown key for executor github (expected one of "
                                + "[environment, executor, repository])",
                        file + "services[search].rollback.url: the deployer's URL that takes the rollback",
                        file + "services[batch].rollback.argv: the command to run, a list such as "
                                + "[/opt/deploy/rollback.sh, --fast]",
                        file + "services[infra].rollback.repository: the GitHub repository to deploy, owner/name "
                                + "(the service's repository gitlab:acme/infra is not on GitHub)"));
    }

    @Test
    void reportsEveryExecutorWhoseCredentialsAreMissing() throws Exception {
        Map<String, String> values = base("""
                name: acme
                environments:
                  production: { protected: true, action: rollback }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: github } }
                  - { name: ledger, repository: "github:acme/ledger", rollback: { executor: argocd } }
                  - { name: search, repository: "gitlab:acme/search", rollback: { executor: webhook, url: "https://d.example/r" } }
                """);
        assertThatThrownBy(() -> WorkerConfig.read(Settings.of(values), null))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "policy services[payments] rolls back with executor github, which needs OVERSIGHT_GITHUB_TOKEN "
                                + "(policy rolls back in production)",
                        "policy services[ledger] rolls back with executor argocd, which needs OVERSIGHT_ARGOCD_URL and "
                                + "OVERSIGHT_ARGOCD_TOKEN (policy rolls back in production)",
                        "policy services[search] rolls back with executor webhook, which needs "
                                + "OVERSIGHT_ROLLBACK_WEBHOOK_SECRET to sign its requests (policy rolls back in production)"));
    }

    @Test
    void asksForExecutorCredentialsOnlyWherePolicyRollsBack() throws Exception {
        WorkerConfig config = WorkerConfig.read(Settings.of(base(ROLLING_BACK.replace("alert+rollback", "alert"))), null);
        assertThat(config.rollbackOf("payments").executor()).isEqualTo("github");
    }

    @Test
    void neverShowsASecretNorRepeatsASecretUrlInAProblem() throws Exception {
        Map<String, String> values = base(ROLLING_BACK.replace("alert+rollback", "alert"));
        values.put("OVERSIGHT_PAGERDUTY_ROUTING_KEY", "R0UT1NGKEY");
        values.put("OVERSIGHT_GITHUB_TOKEN", "ghp_T0KEN");
        values.put("OVERSIGHT_ALERT_WEBHOOK_SECRET", "W3BH00K");
        values.put("OVERSIGHT_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXSECRETXX");
        String shown = WorkerConfig.read(Settings.of(values), null).toString();
        assertThat(shown).doesNotContain("R0UT1NGKEY", "ghp_T0KEN", "W3BH00K", "XXSECRETXX").contains("slack=set");

        values.put("OVERSIGHT_SLACK_WEBHOOK_URL", "hooks.slack.com/services/XXSECRETXX");
        assertThatThrownBy(() -> WorkerConfig.read(Settings.of(values), null))
                .hasMessageContaining("OVERSIGHT_SLACK_WEBHOOK_URL must be an http:// or https:// URL")
                .hasMessageNotContaining("XXSECRETXX");
    }

    @Test
    void readsSecretsFromFiles() throws Exception {
        Map<String, String> values = base(ROLLING_BACK.replace("alert+rollback", "alert"));
        values.put("OVERSIGHT_PAGERDUTY_ROUTING_KEY_FILE",
                Files.writeString(dir.resolve("pd"), "key-from-file\n").toString());
        assertThat(WorkerConfig.read(Settings.of(values), null).alerting().pagerDutyRoutingKey())
                .isEqualTo("key-from-file");
    }

    @Test
    void readsTheRunbookUrlTemplateAndReportsABadOne() throws Exception {
        Map<String, String> values = base("name: minimal\n");
        values.put("OVERSIGHT_RUNBOOK_URL", "https://wiki.example/oversight/{reason}");
        assertThat(WorkerConfig.read(Settings.of(values), null).alerting().links().runbook())
                .isEqualTo(new Runbook("https://wiki.example/oversight/{reason}"));
        values.put("OVERSIGHT_RUNBOOK_URL", "https://wiki.example/{sevice}");
        assertThatThrownBy(() -> WorkerConfig.read(Settings.of(values), null))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "OVERSIGHT_RUNBOOK_URL (https://wiki.example/{sevice}): {sevice} is not a placeholder; use "
                                + "{reason}, {alertname}, {service} or {environment}"));
    }

    @Test
    void hasDefaultsForEverythingButTheSinks() throws Exception {
        WorkerConfig config = WorkerConfig.read(Settings.of(base("name: minimal\n")), null);
        assertThat(config.alerting().alertmanagerRefresh()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.alerting().pagerDutyUrl()).isEqualTo(URI.create("https://events.pagerduty.com"));
        assertThat(config.alerting().pagerDutyPerMinute()).isEqualTo(100);
        assertThat(config.rollbacks().githubApiUrl()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(config.rollbacks().stormLimit()).isEqualTo(3);
        assertThat(config.rollbacks().breakerFailures()).isEqualTo(3);
        assertThat(config.rollbacks().breakerCoolDown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.retries()).isEqualTo(new WorkerConfig.Retries(4, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        assertThat(config.alerting().links().runbook()).isEqualTo(Runbook.NONE);
        assertThat(Sinks.from(config, java.time.Clock.systemUTC())).isEmpty();
        assertThat(Sinks.executors(config)).containsOnlyKeys("command");
    }
}
