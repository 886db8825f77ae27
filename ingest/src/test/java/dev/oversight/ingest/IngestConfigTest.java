package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.runtime.config.ConfigException;
import dev.oversight.runtime.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestConfigTest {

    @Test
    void tokensComeFromTheEnvironmentOrFromFilesAndAreNeverPrinted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events-token");
        Files.writeString(file, "events-secret-1\n");
        IngestConfig config = IngestConfig.read(Settings.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092",
                IngestConfig.GITLAB_TOKEN.name(), "gitlab-secret-1, gitlab-secret-2",
                IngestConfig.EVENTS_TOKEN.name() + "_FILE", file.toString())), null);
        assertThat(config.gitlabTokens()).containsExactly("gitlab-secret-1", "gitlab-secret-2");
        assertThat(config.eventsTokens()).containsExactly("events-secret-1");
        assertThat(config.toString()).doesNotContain("secret-1").doesNotContain("secret-2")
                .contains("gitlabTokens=2").contains("eventsTokens=1");
    }

    @Test
    void defaults() {
        IngestConfig config = IngestConfig.read(Settings.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")), null);
        assertThat(config.gitlabTokens()).isEmpty();
        assertThat(config.eventsTokens()).isEmpty();
        assertThat(config.dedupWindow()).isEqualTo(Duration.ofHours(72));
        assertThat(config.dedupMaxEntries()).isEqualTo(250_000);
        assertThat(config.bodyTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(IngestConfig.KEYS).extracting(k -> k.name()).contains(IngestConfig.GITLAB_TOKEN.name(),
                IngestConfig.EVENTS_TOKEN.name(), IngestConfig.DEDUP_WINDOW.name(), IngestConfig.DEDUP_MAX.name(),
                IngestConfig.BODY_TIMEOUT.name());
        assertThat(IngestConfig.KEYS).filteredOn(k -> k.name().endsWith("TOKEN")).allMatch(k -> k.secret());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> IngestConfig.read(Settings.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092",
                IngestConfig.DEDUP_WINDOW.name(), "30d",
                IngestConfig.DEDUP_MAX.name(), "ten",
                IngestConfig.BODY_TIMEOUT.name(), "10ms")), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3)
                        .anyMatch(p -> p.startsWith(IngestConfig.DEDUP_WINDOW.name()))
                        .anyMatch(p -> p.startsWith(IngestConfig.DEDUP_MAX.name()))
                        .anyMatch(p -> p.startsWith(IngestConfig.BODY_TIMEOUT.name())));
    }
}
