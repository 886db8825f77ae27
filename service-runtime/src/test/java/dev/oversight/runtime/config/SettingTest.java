package dev.oversight.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A setting, declared once: the default it shows is the default it gives, and its problems are said once. */
class SettingTest {

    private static ConfigReader reader(Map<String, String> values) {
        return new ConfigReader(Settings.of(values));
    }

    @Test
    void aDefaultIsShownAsUsersWriteIt() {
        assertThat(Setting.duration("D", Duration.ofHours(72), "d").shownDefault()).contains("3d");
        assertThat(Setting.duration("D", Duration.ofMillis(200), "d").shownDefault()).contains("200ms");
        assertThat(Setting.duration("D", Duration.ofMinutes(90), "d").shownDefault()).contains("90m");
        assertThat(Setting.bytes("B", 25L * 1024 * 1024, 0, "b").shownDefault()).contains("25MiB");
        assertThat(Setting.port("P", 8080, "p").shownDefault()).contains("8080");
        assertThat(Setting.optional("O", "o").shownDefault()).isEmpty();
        assertThat(Setting.string("H", "the host name", () -> "host-1", "h").shownDefault()).contains("the host name");
    }

    @Test
    void everyShownDurationAndSizeReadsBackAsItself() {
        Random random = new Random(20261124);
        for (int i = 0; i < 10_000; i++) {
            long millis = switch (i % 4) {
                case 0 -> random.nextInt(1000);
                case 1 -> random.nextInt(100) * 1000L;
                case 2 -> random.nextInt(100) * 60_000L * (random.nextBoolean() ? 60 : 1);
                default -> Math.abs(random.nextLong() % (400L * 86_400_000));
            };
            Duration duration = Duration.ofMillis(millis);
            assertThat(Durations.parse(Durations.format(duration))).as("%s", duration).isEqualTo(duration);
            long bytes = switch (i % 3) {
                case 0 -> random.nextInt(5000);
                case 1 -> random.nextInt(5000) * 1024L;
                default -> random.nextInt(5000) * 1024L * 1024;
            };
            assertThat(ConfigReader.parseBytes(ConfigReader.showBytes(bytes))).as("%d bytes", bytes).isEqualTo(bytes);
        }
    }

    @Test
    void aSettingIsReadOnceAndItsProblemSaidOnce() {
        Setting<Integer> threads = Setting.integer("THREADS", 1, 1, 64, "threads");
        Setting<String> name = Setting.string("NAME", "x", "name");
        ConfigReader config = reader(Map.of("THREADS", "100"));
        assertThat(config.get(threads)).isEqualTo(1);
        assertThat(config.get(name)).isEqualTo("x");
        assertThat(config.get(threads)).isEqualTo(1);
        assertThat(config.asked()).containsExactly(threads, name);
        assertThat(config.problems())
                .containsExactly("THREADS must be a whole number, got '100' (must be between 1 and 64)");
    }

    @Test
    void boundsAreSaidInTheUnitsUsersWrite() {
        Setting<Duration> window = Setting.duration("WINDOW", Duration.ofHours(72), Duration.ofMinutes(1),
                Duration.ofDays(7), "window");
        Setting<Duration> timeout = Setting.duration("TIMEOUT", Duration.ofSeconds(5), Duration.ofMillis(100), null,
                "timeout");
        Setting<Long> body = Setting.bytes("BODY", 25L * 1024 * 1024, 1024, "body");
        ConfigReader config = reader(Map.of("WINDOW", "30d", "TIMEOUT", "10ms", "BODY", "12"));
        assertThat(config.get(window)).isEqualTo(Duration.ofHours(72));
        assertThat(config.get(timeout)).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.get(body)).isEqualTo(25L * 1024 * 1024);
        assertThat(config.problems()).containsExactly(
                "WINDOW must be a duration such as 60s, 5m, 24h or 500ms, got '30d' (must be between 1m and 7d)",
                "TIMEOUT must be a duration such as 60s, 5m, 24h or 500ms, got '10ms' (must be at least 100ms)",
                "BODY must be a size such as 25MiB, 512KiB or 1048576, got '12' (must be at least 1KiB)");
    }

    @Test
    void aSecretIsNeverRepeatedInAProblemNorInASource() {
        Setting<?> hook = Setting.url("HOOK", "a URL that is a credential").asSecret();
        ConfigReader config = reader(Map.of("HOOK", "hooks.example/XXSECRETXX"));
        assertThat(config.get(hook)).isEqualTo(java.util.Optional.empty());
        assertThat(config.source(hook)).doesNotContain("XXSECRETXX");
        assertThat(config.problems()).containsExactly(
                "HOOK must be an http:// or https:// URL (its value is a secret and is not shown)");
    }

    @Test
    void prefixedKeysAreCollectedFromValuesAndFiles(@TempDir Path dir) throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas"), "org.example.Login required;\n");
        Setting<Map<String, String>> client = Setting.prefixed("CLIENT_", "client properties");
        ConfigReader config = reader(Map.of("CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
                "CLIENT_SASL_JAAS_CONFIG_FILE", jaas.toString(), "OTHER", "x"));
        assertThat(client.name()).isEqualTo("CLIENT_<PROPERTY>");
        assertThat(config.get(client)).isEqualTo(Map.of("SECURITY_PROTOCOL", "SASL_SSL",
                "SASL_JAAS_CONFIG", "org.example.Login required;"));
        assertThat(config.problems()).isEmpty();
    }
}
