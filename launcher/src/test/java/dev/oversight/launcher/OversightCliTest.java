package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user types it: help, unknown commands, options, {@code policy check}, {@code config}. */
class OversightCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return OversightCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** {@code oversight policy check} of a file holding this policy. */
    private int checkPolicy(Path dir, String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), yaml);
        return run("policy", "check", file.toString());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpExplainsEveryCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("up ", "demo ", "policy check FILE", "config ", "--bootstrap-servers HOST:PORT",
                "--port N", "--data-dir DIR");
    }

    @Test
    void noCommandPrintsHelpAndFails() {
        assertThat(run()).isEqualTo(2);
        assertThat(out()).contains("Usage: oversight <command>");
    }

    @Test
    void anUnknownCommandOrOptionIsNamed() {
        assertThat(run("deploy")).isEqualTo(2);
        assertThat(err()).contains("unknown command 'deploy'").contains("--help");
        assertThatThrownBy(() -> OversightCli.options(new String[] {"--verbose"}))
                .hasMessageContaining("unknown option '--verbose'");
        assertThatThrownBy(() -> OversightCli.options(new String[] {"--port"}))
                .hasMessageContaining("--port needs a value");
    }

    @Test
    void optionsStandForTheirSettings() {
        assertThat(OversightCli.options(new String[] {"--bootstrap-servers", "kafka:9092", "--port=9000",
                "--data-dir", "/var/lib/oversight"}))
                .isEqualTo(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "OVERSIGHT_HTTP_PORT", "9000",
                        "OVERSIGHT_DATA_DIR", "/var/lib/oversight"));
    }

    @Test
    void policyCheckSummarisesAValidPolicy(@TempDir Path dir) throws Exception {
        assertThat(checkPolicy(dir, """
                name: acme
                environments:
                  production: { protected: true, action: alert+rollback, grace: 30s }
                  staging: { protected: false }
                rules:
                  - match: {}
                    approvals: { count: 1 }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: github } }
                """)).isZero();
        assertThat(out()).contains("policy 'acme' is valid (sha256:")
                .contains("protected environments: [production (alert+rollback, grace 30s)]")
                .contains("rules: 1, services: 1");
    }

    @Test
    void policyCheckReportsEveryProblem(@TempDir Path dir) throws Exception {
        assertThat(checkPolicy(dir, """
                name: broken
                environments:
                  production: { protected: true, action: page-everyone }
                rules:
                  - match: {}
                    approvals: { count: -1 }
                """)).isEqualTo(1);
        assertThat(err()).contains("page-everyone").contains("count");
        assertThat(run("policy", "check")).isEqualTo(2);
        assertThat(err()).contains("usage: oversight policy check FILE");
    }

    @Test
    void configListsTheKeysOfEveryService() {
        assertThat(run("config")).isZero();
        assertThat(out()).contains("KAFKA_BOOTSTRAP_SERVERS", "OVERSIGHT_KAFKA_PORT", "OVERSIGHT_GITHUB_WEBHOOK_SECRET",
                "OVERSIGHT_GITLAB_WEBHOOK_TOKEN", "OVERSIGHT_EVENTS_TOKEN", "OVERSIGHT_POLICY_FILE",
                "OVERSIGHT_POLICY_COMMIT_INTERVAL", "OVERSIGHT_ALERTMANAGER_URL", "OVERSIGHT_ROLLBACK_STORM_LIMIT");
        assertThat(out()).containsPattern("OVERSIGHT_GITHUB_WEBHOOK_SECRET .*\\(secret; or OVERSIGHT_GITHUB_WEBHOOK_SECRET_FILE\\)");
    }

    @Test
    void theBannerSaysWhichRoutesRefuseEverything() {
        assertThat(OversightCli.route("http://127.0.0.1:8080/webhooks/gitlab", "GitLab", "OVERSIGHT_GITLAB_WEBHOOK_TOKEN",
                List.of())).contains("/webhooks/gitlab").contains("OVERSIGHT_GITLAB_WEBHOOK_TOKEN not set: refused (401)");
        assertThat(OversightCli.route("http://127.0.0.1:8080/events", "CDEvents", "OVERSIGHT_EVENTS_TOKEN",
                List.of("t0ken"))).contains("secret OVERSIGHT_EVENTS_TOKEN").doesNotContain("t0ken");
    }

    @Test
    void eachCommandExplainsItselfWithHelp() {
        assertThat(run("up", "--help")).isZero();
        assertThat(out()).startsWith("Usage: oversight up [--bootstrap-servers HOST:PORT] [--port N] [--data-dir DIR]")
                .contains("locks the data directory").contains("Exit status");
        assertThat(run("demo", "--help")).isZero();
        assertThat(out()).contains("Usage: oversight demo [--keep] [--port N]").contains("temporary data directory");
        assertThat(run("policy", "--help")).isZero();
        assertThat(out()).contains("Usage: oversight policy check FILE");
        assertThat(run("config", "-h")).isZero();
        assertThat(out()).contains("Usage: oversight config");
        assertThat(err()).isEmpty();
    }

    @Test
    void helpSaysWhatEachExitStatusMeans() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("Exit status: 0 done; 1 the command failed").contains("2 the command line or the "
                + "configuration is wrong").contains("--version").contains("--keep");
    }

    @Test
    void versionIsTheMavenProjectsVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        String parent = pom.substring(pom.indexOf("<parent>"), pom.indexOf("</parent>"));
        String version = parent.substring(parent.indexOf("<version>") + 9, parent.indexOf("</version>"));
        assertThat(run("--version")).isZero();
        assertThat(out().strip()).isEqualTo("oversight " + version + " (Kafka "
                + org.apache.kafka.common.utils.AppInfoParser.getVersion() + ", Java " + Runtime.version() + ")");
    }

    @Test
    void theDemoTakesItsOwnOptionsAndNoneOfUps() {
        assertThat(OversightCli.options(new String[] {"--keep", "--port=8099"}, OversightCli.DEMO_OPTIONS))
                .isEqualTo(Map.of("--keep", "true", "OVERSIGHT_HTTP_PORT", "8099"));
        assertThat(run("demo", "--data-dir", "/tmp/x")).isEqualTo(2);
        assertThat(err()).contains("unknown option '--data-dir'").contains("oversight demo --help");
        assertThatThrownBy(() -> OversightCli.options(new String[] {"--keep=yes"}, OversightCli.DEMO_OPTIONS))
                .hasMessageContaining("--keep takes no value");
    }

    @Test
    void policyCheckRefusesARuleForAnUndeclaredEnvironmentNamingTheOneMeant(@TempDir Path dir) throws Exception {
        assertThat(checkPolicy(dir, """
                name: typo
                environments:
                  production: { protected: true, action: alert }
                rules:
                  - match: { environment: prodution }
                    approvals: { count: 2 }
                """)).isEqualTo(1);
        assertThat(err()).contains("rules[0].match.environment: no environment 'prodution' is declared under "
                + "environments (did you mean 'production'?)");
    }

    @Test
    void policyCheckWarnsOfWhatMatchesNothing(@TempDir Path dir) throws Exception {
        assertThat(checkPolicy(dir, """
                name: patterns
                environments:
                  production: { protected: true, action: alert }
                rules:
                  - match: { environment: "stag*" }
                    approvals: { count: 0 }
                """)).isZero();
        assertThat(out()).contains("policy 'patterns' is valid");
        assertThat(err()).contains("warning: rules[0].match.environment: 'stag*' matches no environment declared");
    }

    @Test
    void policyCheckWarnsOfEachExecutorCredentialNotSetWhereTheyRollBack() {
        Policy policy = PolicyFile.parse("""
                name: rollbacks
                environments:
                  production: { protected: true, action: alert+rollback }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: github } }
                  - { name: ledger, repository: "github:acme/ledger", rollback: { executor: argocd } }
                  - { name: search, repository: "github:acme/search", rollback: { executor: webhook, url: "https://d.example/r" } }
                """, "rollbacks.yaml");
        assertThat(OversightCli.credentialWarnings(policy, Settings.of(Map.of()))).containsExactly(
                "policy services[payments] rolls back with executor github, which needs OVERSIGHT_GITHUB_TOKEN "
                        + "(policy rolls back in production); `oversight up` would refuse to start in this environment",
                "policy services[ledger] rolls back with executor argocd, which needs OVERSIGHT_ARGOCD_URL and "
                        + "OVERSIGHT_ARGOCD_TOKEN (policy rolls back in production); `oversight up` would refuse to "
                        + "start in this environment",
                "policy services[search] rolls back with executor webhook, which needs "
                        + "OVERSIGHT_ROLLBACK_WEBHOOK_SECRET to sign its requests (policy rolls back in production); "
                        + "`oversight up` would refuse to start in this environment");
        assertThat(OversightCli.credentialWarnings(policy, Settings.of(Map.of("OVERSIGHT_GITHUB_TOKEN", "t",
                "OVERSIGHT_ARGOCD_URL", "https://argocd.example", "OVERSIGHT_ARGOCD_TOKEN", "t",
                "OVERSIGHT_ROLLBACK_WEBHOOK_SECRET", "s")))).isEmpty();
        Policy alertOnly = PolicyFile.parse("""
                name: alerts
                environments:
                  production: { protected: true, action: alert }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: github } }
                """, "alerts.yaml");
        assertThat(OversightCli.credentialWarnings(alertOnly, Settings.of(Map.of()))).as("nothing rolls back")
                .isEmpty();
    }

    @Test
    void theBannerSaysWhereAlertsGoWithoutASecret() {
        WorkerConfig none = WorkerConfig.read(Settings.of(Map.of()), "embedded");
        assertThat(OversightCli.alerts(none.alerting(), "oversight.actions")).isEqualTo("none configured: violations "
                + "are printed here and recorded on oversight.actions; to be alerted, set OVERSIGHT_ALERTMANAGER_URL, "
                + "OVERSIGHT_SLACK_WEBHOOK_URL, OVERSIGHT_PAGERDUTY_ROUTING_KEY or OVERSIGHT_ALERT_WEBHOOK_URL "
                + "(README: Alerts and rollbacks)");
        WorkerConfig all = WorkerConfig.read(Settings.of(Map.of(
                "OVERSIGHT_ALERTMANAGER_URL", "http://am.example:9093/",
                "OVERSIGHT_PAGERDUTY_ROUTING_KEY", "pd-key-secret",
                "OVERSIGHT_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/slack-secret",
                "OVERSIGHT_ALERT_WEBHOOK_URL", "https://user:pw-secret@hooks.example/oversight?token=q-secret",
                "OVERSIGHT_ALERT_WEBHOOK_SECRET", "signing-secret")), "embedded");
        assertThat(OversightCli.alerts(all.alerting(), "oversight.actions")).isEqualTo("Alertmanager "
                + "http://am.example:9093/, PagerDuty, Slack, webhook https://hooks.example/oversight (signed); "
                + "violations are also printed here").doesNotContain("secret");
    }

    @Test
    void theBannerSaysWhereItReallyListens() {
        OversightCli.Listening all = OversightCli.Listening.of("0.0.0.0", 8080);
        assertThat(all.describe()).isEqualTo("http://<this host>:8080 on all interfaces (0.0.0.0); from this "
                + "machine: http://127.0.0.1:8080");
        assertThat(all.base()).isEqualTo("http://127.0.0.1:8080");
        assertThat(OversightCli.Listening.of("127.0.0.1", 8080).describe()).isEqualTo("http://127.0.0.1:8080 "
                + "(this machine only; set OVERSIGHT_HTTP_HOST=0.0.0.0 to receive webhooks from elsewhere)");
        assertThat(OversightCli.Listening.of("10.1.2.3", 9000).describe()).isEqualTo("http://10.1.2.3:9000 "
                + "(10.1.2.3 only)");
        assertThat(OversightCli.Listening.of("::1", 8080).base()).isEqualTo("http://[::1]:8080");
    }
}
