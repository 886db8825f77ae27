package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.runtime.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `oversight whatif` says before it reads anything: every mistake is one line and exit 2. */
class WhatIfCommandTest {

    @TempDir
    Path dir;

    private String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = WhatIfCommand.run(args, Settings.of(Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(exit), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void withoutAPolicyOrWithAWrongOptionItSaysWhatIsMissing() {
        assertThat(run()).containsExactly("2", "", "oversight: --policy FILE is required. Try: oversight whatif --help\n");
        assertThat(run("--policy", "p.yaml", "--format", "xml")[2]).contains("--format must be table, csv, json or"
                + " markdown, not 'xml'");
        assertThat(run("--policy", "p.yaml", "--colour", "red")[2]).contains("unknown option '--colour'");
    }

    @Test
    void aPolicyWithProblemsIsOneLineNamingEachOne() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nrulez: []\nenvironments:\n  production: { protectd: true }\n");
        String[] ran = run("--policy", bad.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertThat(ran[0]).isEqualTo("2");
        assertThat(ran[2]).startsWith("oversight: " + bad + " has 2 problems: ").contains("rulez").contains("protectd")
                .endsWith("\n").hasLineCount(1);
    }

    @Test
    void withoutAClusterItAsksForOne() throws Exception {
        Path policy = dir.resolve("p.yaml");
        Files.writeString(policy, "name: p\n");
        String[] ran = run("--policy", policy.toString());
        assertThat(ran[0]).isEqualTo("2");
        assertThat(ran[2]).contains("KAFKA_BOOTSTRAP_SERVERS is not set").hasLineCount(1);
    }

    @Test
    void aWrongPeriodSaysWhich() throws Exception {
        Path policy = dir.resolve("p.yaml");
        Files.writeString(policy, "name: p\n");
        assertThat(run("--policy", policy.toString(), "--from", "2026-12-05", "--to", "2026-12-01")[2])
                .isEqualTo("oversight: the period is empty: --from 2026-12-05T00:00:00Z is not before --to"
                        + " 2026-12-02T00:00:00Z\n");
    }
}
