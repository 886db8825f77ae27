package dev.oversight.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {

    @Test
    void reportsEveryProblemAtOnce() {
        ConfigReader config = new ConfigReader(Settings.of(Map.of(
                "PORT", "eighty", "GRACE", "soon", "URL", "ftp://x", "SIZE", "lots")));
        config.get(Setting.port("PORT", 8080, "a port"));
        config.get(Setting.duration("GRACE", Duration.ofSeconds(60), "a grace period"));
        config.get(Setting.url("URL", "a URL"));
        config.get(Setting.bytes("SIZE", 1, 0, "a size"));
        config.required(Setting.optional("MISSING", "a thing"), "the thing it names");
        assertThatThrownBy(config::done)
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5))
                .hasMessageContaining("PORT must be a whole number, got 'eighty'")
                .hasMessageContaining("GRACE must be a duration")
                .hasMessageContaining("URL must be an http:// or https:// URL")
                .hasMessageContaining("MISSING is not set: the thing it names");
    }

    @Test
    void readsDurationsAndSizesAsUsersWriteThem() {
        assertThat(ConfigReader.parseDuration("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(ConfigReader.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ConfigReader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigReader.parseDuration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigReader.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(ConfigReader.parseBytes("25MiB")).isEqualTo(25L * 1024 * 1024);
        assertThat(ConfigReader.parseBytes("512KiB")).isEqualTo(512L * 1024);
    }

    @Test
    void takesSecretsFromFilesAndListsFromCommas(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "old-secret,new-secret\n");
        ConfigReader config = new ConfigReader(Settings.of(Map.of("SECRET_FILE", secret.toString())));
        assertThat(config.get(Setting.list("SECRET", "secrets"))).containsExactly("old-secret", "new-secret");
        config.done();
    }

    @Test
    void saysWhenASecretFileCannotBeRead(@TempDir Path dir) {
        ConfigReader config = new ConfigReader(Settings.of(Map.of("SECRET_FILE", dir.resolve("nope").toString())));
        assertThat(config.get(Setting.list("SECRET", "secrets"))).isEmpty();
        assertThatThrownBy(config::done).hasMessageContaining("SECRET_FILE names").hasMessageContaining("cannot be read");
    }

    @Test
    void environmentWinsOverTheConfigFileAndFlagsWinOverBoth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("oversight.properties");
        Files.writeString(file, "OVERSIGHT_HTTP_PORT=9000\nOVERSIGHT_TOPIC_PREFIX=acme.\n");
        Settings settings = Settings.layered(Map.of(Settings.CONFIG_FILE.name(), file.toString(),
                "OVERSIGHT_HTTP_PORT", "9100"));
        assertThat(settings.get("OVERSIGHT_TOPIC_PREFIX")).contains("acme.");
        assertThat(settings.get("OVERSIGHT_HTTP_PORT")).contains("9100");
        assertThat(settings.with(Map.of("OVERSIGHT_HTTP_PORT", "9200")).get("OVERSIGHT_HTTP_PORT")).contains("9200");
    }
}
