package dev.oversight.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void pathPatternsAsCodeownersReadsThem() {
        assertThat(Glob.matchesPath("payments/**", "payments/api/Refund.java")).isTrue();
        assertThat(Glob.matchesPath("payments/**", "web/payments.js")).isFalse();
        assertThat(Glob.matchesPath("/db/migrations/", "db/migrations/0001.sql")).isTrue();
        assertThat(Glob.matchesPath("*.sql", "deep/down/schema.sql")).isTrue();
        assertThat(Glob.matchesPath("docs", "docs/guide/intro.md")).isTrue();
        assertThat(Glob.matchesPath("src/*.java", "src/main/App.java")).isFalse();
        assertThat(Glob.matchesPath("**/secrets/*", "config/secrets/prod.yaml")).isTrue();
    }

    @Test
    void repositoryPatterns() {
        assertThat(Glob.matches("github:acme/*", "github:acme/payments")).isTrue();
        assertThat(Glob.matches("github:acme/*", "github:ACME/Payments")).isTrue();
        assertThat(Glob.matches("github:acme/*", "gitlab:acme/payments")).isFalse();
        assertThat(Glob.matches("gitlab:platform/**", "gitlab:platform/infra/terraform")).isTrue();
        assertThat(Glob.matches(null, "anything")).isTrue();
    }
}
