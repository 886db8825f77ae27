package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.ingest.IngestConfig;
import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Setting;
import dev.oversight.runtime.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code oversight config} cannot disagree with the code: it lists the very declarations the configurations read,
 * each with the default a reader gives, and the README's table says the same.
 */
class ConfigListTest {

    private static final List<Setting<?>> LISTED = OversightCli.SETTINGS;

    private static ConfigReader reader(Map<String, String> values) {
        return new ConfigReader(Settings.of(values));
    }

    @Test
    void everySettingAnyConfigurationReadsIsListed() {
        ConfigReader up = reader(Map.of());
        Platform.read(up);
        ConfigReader alone = reader(Map.of());
        IngestConfig.read(alone, null);
        PolicyStreamConfig.read(alone, null);
        WorkerConfig.read(alone, null);
        assertThat(up.asked()).contains(CommonSettings.POLICY_FILE, Platform.KAFKA_PORT, IngestConfig.DEDUP_MAX,
                PolicyStreamConfig.COMMIT_INTERVAL, WorkerConfig.STORM_LIMIT, CommonSettings.HTTP_PORT);
        assertThat(LISTED).containsAll(up.asked()).containsAll(alone.asked());
        assertThat(up.problems()).isEmpty();
    }

    @Test
    void eachKeyIsListedOnce() {
        assertThat(LISTED.stream().map(Setting::name)).doesNotHaveDuplicates();
    }

    @Test
    void readFromNothingEverySettingGivesItsDeclaredDefault() {
        for (Setting<?> setting : LISTED) {
            ConfigReader config = reader(Map.of());
            assertThat((Object) config.get(setting)).as(setting.name()).isEqualTo(setting.defaultValue());
            assertThat(config.problems()).as(setting.name()).isEmpty();
        }
    }

    @Test
    void everyDefaultShownReadsAsTheDefaultUsed() {
        for (Setting<?> setting : LISTED) {
            if (setting.showsDefaultValue()) {
                ConfigReader config = reader(Map.of(setting.name(), setting.shownDefault().orElseThrow()));
                assertThat((Object) config.get(setting)).as(setting.name()).isEqualTo(setting.defaultValue());
                assertThat(config.problems()).as(setting.name()).isEmpty();
            }
        }
        // The only defaults described rather than shown: both worked out when read.
        assertThat(LISTED.stream().filter(s -> s.shownDefault().isPresent() && !s.showsDefaultValue()))
                .containsExactlyInAnyOrder(IngestConfig.INSTANCE_ID, CommonSettings.POLICY_FILE);
    }

    @Test
    void configPrintsEachSettingWithTheDefaultShown() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(OversightCli.run(new String[] {"config"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err)).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSameSizeAs(LISTED);
        for (int i = 0; i < LISTED.size(); i++) {
            Setting<?> setting = LISTED.get(i);
            assertThat(lines.get(i)).as(setting.name()).matches(Pattern.quote(setting.name()) + " +"
                    + Pattern.quote(setting.shownDefault().orElse("-")) + " +" + Pattern.quote(setting.doc()) + ".*");
        }
    }

    @Test
    void theLogLevelDefaultIsLog4jsOwn() throws Exception {
        String log4j;
        try (InputStream in = ConfigListTest.class.getResourceAsStream("/log4j2.xml")) {
            log4j = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(log4j).contains("${env:" + CommonSettings.LOG_LEVEL.name() + ":-"
                + CommonSettings.LOG_LEVEL.defaultValue() + "}");
    }

    /**
     * Each row of a configuration table in the READMEs names declared keys; a default in code font is the one shown
     * (one per key when the row names several), "–" or "unset…" means there is none, other text is the description.
     */
    @Test
    void theReadmeTablesShowTheDeclaredDefaults() throws Exception {
        Map<String, Setting<?>> byName = LISTED.stream().collect(Collectors.toMap(Setting::name, Function.identity()));
        Pattern row = Pattern.compile("^\\| (`(?:OVERSIGHT|KAFKA)_[A-Z_<>]+`(?:, `[A-Z_<>]+`)*) \\| ([^|]+) \\|",
                Pattern.MULTILINE);
        Pattern codes = Pattern.compile("`([^`]+)`(?:, `([^`]+)`)*");
        List<String> checked = new ArrayList<>();
        List<Path> readmes = new ArrayList<>(List.of(Path.of("..", "README.md")));
        try (Stream<Path> modules = Files.list(Path.of(".."))) {
            modules.map(module -> module.resolve("README.md")).filter(Files::isRegularFile).forEach(readmes::add);
        }
        for (Path readme : readmes) {
            Matcher m = row.matcher(Files.readString(readme, StandardCharsets.UTF_8));
            while (m.find()) {
                List<String> names = List.of(m.group(1).replace("`", "").split(", "));
                String cell = m.group(2).trim();
                List<String> values = cell.startsWith("`") && codes.matcher(cell).matches()
                        ? List.of(cell.replace("`", "").split(", ")) : List.of();
                for (int i = 0; i < names.size(); i++) {
                    Optional<String> shown = cell.equals("–") || cell.startsWith("unset") ? Optional.empty()
                            : values.size() == names.size() ? Optional.of(values.get(i))
                            : cell.startsWith("`") ? Optional.of(cell.substring(1, cell.indexOf('`', 1)))
                            : Optional.of(cell);
                    assertThat(byName).as("%s names %s", readme, names.get(i)).containsKey(names.get(i));
                    assertThat(byName.get(names.get(i)).shownDefault()).as("%s: the default of %s", readme, names.get(i))
                            .isEqualTo(shown);
                    checked.add(names.get(i));
                }
            }
        }
        assertThat(checked).contains("OVERSIGHT_HTTP_PORT", "OVERSIGHT_ROLLBACK_MAX_AGE", "OVERSIGHT_INGEST_DEDUP_WINDOW")
                .hasSizeGreaterThan(50);
    }
}
