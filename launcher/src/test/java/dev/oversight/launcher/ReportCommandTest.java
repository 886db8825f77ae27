package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oversight report} as typed: its help, what it refuses before reaching Kafka, its progress bar. */
class ReportCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return OversightCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void reportExplainsItselfAndIsListed() {
        assertThat(run("report", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: oversight report --from DAY --to DAY",
                "manifest.json", "--seed S", "Exit status");
        out.reset();
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("report --from DAY --to DAY --out DIR");
    }

    @Test
    void thePeriodAndTheDirectoryAreRequiredAndEveryProblemNamed(@TempDir Path dir) {
        assertThat(run("report", "--out", dir.toString(), "--to", "2026-13-01", "--sample", "many")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("from is required",
                "to must be a day as YYYY-MM-DD, got '2026-13-01'", "sample must be a number",
                "Try: oversight report --help");
        err.reset();
        assertThat(run("report", "--from", "2026-01-01", "--to", "2026-01-31")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--out DIR is required");
        err.reset();
        assertThat(run("report", "--from", "2026-01-01", "--to", "2026-01-31", "--out", "x", "--format", "pdf"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--format'");
    }

    @Test
    void aDirectoryHoldingFilesIsNotOverwritten(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("population.csv"), "keep me");
        assertThat(run("report", "--from", "2026-01-01", "--to", "2026-01-31", "--out", dir.toString(),
                "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not an empty directory");
        assertThat(Files.readString(dir.resolve("population.csv"))).isEqualTo("keep me");
    }

    @Test
    void theProgressBarShowsTheShareRead() {
        assertThat(ReportCommand.Progress.bar(412, 1000)).isEqualTo(
                "reading the verdicts and actions [############------------------]  41% 412 of 1000 records");
        assertThat(ReportCommand.Progress.bar(0, 0)).contains("100% 0 of 0 records");
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        ReportCommand.Progress progress = new ReportCommand.Progress(new PrintStream(lines, true,
                StandardCharsets.UTF_8), false);
        for (int read = 0; read <= 1000; read += 50) {
            progress.update(read, 1000);
        }
        assertThat(lines.toString(StandardCharsets.UTF_8).lines()).hasSize(11);
    }
}
