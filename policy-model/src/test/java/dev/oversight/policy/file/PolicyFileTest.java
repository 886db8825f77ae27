package dev.oversight.policy.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.policy.rules.EffectivePolicy;
import dev.oversight.policy.rules.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyFileTest {

    @Test
    void builtInDefaultProtectsProductionAndProdWithAlerts() {
        Policy policy = PolicyFile.defaultPolicy();
        assertThat(policy.name()).isEqualTo("oversight-default");
        assertThat(policy.version()).matches("sha256:[0-9a-f]{64}");
        assertThat(policy.isProtected("production")).isTrue();
        assertThat(policy.isProtected("prod")).isTrue();
        assertThat(policy.isProtected("staging")).isFalse();
        EffectivePolicy effective = policy.resolve("github:acme/payments", "payments", "production");
        assertThat(effective.environment().action()).isEqualTo(Policy.Action.ALERT);
        assertThat(effective.environment().grace()).isEqualTo(Duration.ofSeconds(60));
        assertThat(effective.approvals()).isEqualTo(new Policy.Approvals(1, true, false));
        assertThat(effective.checks().allReported()).isTrue();
    }

    @Test
    void readsTheDesignSketch() {
        Policy policy = PolicyFile.parse("""
                name: acme-default
                groups: { tech-leads: [alice, bob] }
                bots: { logins: ["dependabot[bot]", "renovate[bot]"] }
                environments:
                  production: { protected: true, action: alert+rollback, dryRun: false, grace: 60s }
                  staging:    { protected: false }
                rules:
                  - match: { repository: "github:acme/*" }
                    approvals: { count: 1, onFinalHead: true, excludeCommitters: false }
                    checks: [build, test]
                    owners: [ { paths: ["payments/**", "db/migrations/**"], group: tech-leads } ]
                    breakGlass: { label: break-glass, deployFlag: emergency, reviewWithin: 24h }
                    freeze: [ { cron: "0 16 * * FRI", duration: 64h, zone: Europe/Copenhagen } ]
                    directPush: { allow: ["release-bot"] }
                services:
                  - { name: payments, repository: "github:acme/payments", team: payments, paths: ["**"],
                      rollback: { executor: webhook, url: "https://deployer.example/rollback" } }
                """, "acme.yaml");
        EffectivePolicy effective = policy.resolve("github:acme/payments", "payments", "production");
        assertThat(effective.environment().action()).isEqualTo(Policy.Action.ALERT_AND_ROLLBACK);
        assertThat(effective.checks().required()).containsExactly("build", "test");
        assertThat(effective.owners()).singleElement().satisfies(o -> assertThat(o.group()).isEqualTo("tech-leads"));
        assertThat(effective.breakGlass().reviewWithin()).isEqualTo(Duration.ofHours(24));
        assertThat(effective.freezes()).hasSize(1);
        assertThat(effective.directPush().allow()).containsExactly("release-bot");
        assertThat(effective.isBot("renovate[bot]", false)).isTrue();
        assertThat(policy.service("payments")).get().satisfies(s -> {
            assertThat(s.team()).isEqualTo("payments");
            assertThat(s.rollback()).isInstanceOf(dev.oversight.policy.rules.RollbackTarget.Webhook.class);
        });
        // Another organisation's repository gets the defaults, not acme's rule.
        assertThat(policy.resolve("github:other/app", "app", "production").checks().allReported()).isTrue();
    }

    @Test
    void reportsEveryProblemWithWhereItIs() {
        assertThatThrownBy(() -> PolicyFile.parse("""
                groups: { leads: [alice] }
                environments:
                  production: { protected: yes-please, action: page-everyone, grace: soon }
                rules:
                  - match: { repo: "github:acme/*" }
                    approvals: { count: many }
                    owners: [ { paths: ["db/**"], group: dbas } ]
                    freeze: [ { cron: "0 16 1 * FRI", duration: 64h, zone: Mars/Olympus } ]
                services:
                  - { name: payments, rollback: { executor: teleport } }
                """, "bad.yaml"))
                .isInstanceOf(PolicyException.class)
                .satisfies(e -> assertThat(((PolicyException) e).problems()).containsExactlyInAnyOrder(
                        "name: a policy needs a name (every verdict names its policy)",
                        "environments.production.protected: must be true or false, got 'yes-please'",
                        "environments.production.action: must be alert, rollback or alert+rollback, got 'page-everyone'",
                        "environments.production.grace: must be a duration such as 60s, 15m or 24h, got 'soon'",
                        "rules[0].match.repo: unknown key (expected one of [environment, repository, service])",
                        "rules[0].approvals.count: must be a whole number from 0 to 20, got 'many'",
                        "rules[0].owners[0].group: no group 'dbas' is defined under groups",
                        "rules[0].freeze[0].cron: a freeze cron repeats weekly: day-of-month and month must be '*', got '0 16 1 * FRI'",
                        "rules[0].freeze[0].zone: not a time zone: 'Mars/Olympus' (use a name such as Europe/Copenhagen)",
                        "services[0].repository: the repository the service is built from, such as github:acme/payments",
                        "services[0].rollback.executor: must be one of [argocd, command, github, none, webhook], got 'teleport'"))
                .hasMessageStartingWith("bad.yaml has 11 problems:");
    }

    @Test
    void saysWhenTheFileIsNotYaml() {
        assertThatThrownBy(() -> PolicyFile.parse("name: [unclosed", "broken.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void theVersionChangesWithTheContent() {
        Policy a = PolicyFile.parse("name: p\n", "a");
        Policy b = PolicyFile.parse("name: p\n# a comment changes the file\n", "b");
        assertThat(a.version()).isNotEqualTo(b.version());
    }

    @Test
    void aRuleForAnEnvironmentThatIsNotDeclaredIsAProblemNamingTheOneMeant() {
        assertThatThrownBy(() -> PolicyFile.parse("""
                name: typo
                environments:
                  production: { protected: true, action: alert }
                  staging: { protected: false }
                rules:
                  - match: { environment: prodution }
                    approvals: { count: 2 }
                  - match: { environment: qa }
                    checks: all-reported
                """, "typo.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).containsExactly(
                        "rules[0].match.environment: no environment 'prodution' is declared under environments "
                                + "(did you mean 'production'?)",
                        "rules[1].match.environment: no environment 'qa' is declared under environments "
                                + "(declared: production, staging)"));
    }

    @Test
    void aRuleEnvironmentMatchesTheDeclaredOneInAnyCase() {
        PolicyFile.Checked checked = PolicyFile.check("""
                name: cases
                environments:
                  Production: { protected: true, action: alert }
                rules:
                  - match: { environment: production }
                    approvals: { count: 2 }
                  - match: { environment: "prod*" }
                    checks: all-reported
                """, "cases.yaml");
        assertThat(checked.warnings()).isEmpty();
        assertThat(checked.policy().resolve("github:acme/a", "a", "PRODUCTION").approvals().count()).isEqualTo(2);
    }

    @Test
    void anEnvironmentPatternThatMatchesNoDeclaredEnvironmentIsAWarning() {
        PolicyFile.Checked checked = PolicyFile.check("""
                name: patterns
                environments:
                  production: { protected: true, action: alert }
                rules:
                  - match: { environment: "stag*" }
                    approvals: { count: 0 }
                  - match: { environment: "*" }
                    checks: all-reported
                """, "patterns.yaml");
        assertThat(checked.warnings()).containsExactly("rules[0].match.environment: 'stag*' matches no environment "
                + "declared under environments (declared: production), so the rule applies only to environments that "
                + "are never flagged");
    }

    @Test
    void withNoEnvironmentDeclaredARuleForOneIsAProblem() {
        assertThatThrownBy(() -> PolicyFile.parse("name: none\nrules:\n  - match: { environment: production }\n",
                "none.yaml")).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                .containsExactly("rules[0].match.environment: no environment 'production' is declared under "
                        + "environments (none is declared)"));
    }

    @Test
    void aGroupARuleRequiresOrMakesOwnerMustBeDefined() {
        assertThatThrownBy(() -> PolicyFile.parse("""
                name: groups
                groups: { tech-leads: [alice], dbas: [dora] }
                rules:
                  - match: {}
                    requireGroups: [tech-lead]
                    owners: [ { paths: ["db/**"], group: security } ]
                """, "groups.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).containsExactly(
                        "rules[0].owners[0].group: no group 'security' is defined under groups",
                        "rules[0].requireGroups: no group 'tech-lead' is defined under groups "
                                + "(did you mean 'tech-leads'?)"));
    }
}
