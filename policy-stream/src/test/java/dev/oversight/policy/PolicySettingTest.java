package dev.oversight.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.policy.rules.Policy;
import org.junit.jupiter.api.Test;

/** The policy setting: the built-in default when unset, and every problem of a named file reported under its name. */
class PolicySettingTest {

    private static Policy read(dev.oversight.runtime.config.ConfigReader config) {
        return config.get(dev.oversight.runtime.config.CommonSettings.POLICY_FILE);
    }

    @Test
    void theSettingNamesTheFileAndEveryProblemInItIsReported(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.oversight.runtime.config.ConfigReader unset = new dev.oversight.runtime.config.ConfigReader(
                dev.oversight.runtime.config.Settings.of(java.util.Map.of()));
        assertThat(read(unset).name()).isEqualTo("oversight-default");
        assertThat(unset.problems()).isEmpty();

        java.nio.file.Path file = dir.resolve("policy.yaml");
        java.nio.file.Files.writeString(file, """
                name: broken
                grace: soon
                environments:
                  production: { protected: true, action: page-everyone }
                """);
        dev.oversight.runtime.config.ConfigReader broken = new dev.oversight.runtime.config.ConfigReader(
                dev.oversight.runtime.config.Settings.of(java.util.Map.of("OVERSIGHT_POLICY_FILE", file.toString())));
        assertThat(read(broken)).isNull();
        assertThat(broken.problems()).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(p -> p.startsWith("OVERSIGHT_POLICY_FILE (" + file + "): "))
                .anyMatch(p -> p.contains("soon")).anyMatch(p -> p.contains("page-everyone"));
    }
}
