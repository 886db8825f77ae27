package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.backfill.FakeGitHub;
import dev.oversight.backfill.GitLabStory;
import dev.oversight.backfill.Stories;
import dev.oversight.runtime.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oversight backfill}: its command line, and a dry run against GitHub's API on loopback. */
class BackfillCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        return OversightCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aCommandLineThatCannotWorkIsRefusedSayingWhy() {
        assertThat(cli("backfill", "github", "--repository", "acme/ledger")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--since DAY is required");
        err.reset();
        assertThat(cli("backfill", "github", "--repository", "acme/ledger", "--organization", "acme", "--since",
                "2026-07-01")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("one of the two");
        err.reset();
        assertThat(cli("backfill", "github", "--repository", "ledger", "--since", "2026-07-01")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("OWNER/NAME, got 'ledger'");
        err.reset();
        assertThat(cli("backfill", "github", "--repository", "acme/ledger", "--since", "July")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--since takes a day (YYYY-MM-DD)");
        err.reset();
        assertThat(cli("backfill", "gitlab", "--repository", "acme/ledger", "--since", "2026-07-01")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--repository is for github")
                .contains("takes --project or --group");
        err.reset();
        assertThat(cli("backfill", "gitlab", "--project", "ledger", "--since", "2026-07-01")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("GROUP/PROJECT");
        err.reset();
        assertThat(cli("backfill", "gitlab", "--project", "acme/ledger", "--group", "acme", "--since",
                "2026-07-01")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("one of the two");
        err.reset();
        assertThat(cli("backfill", "bitbucket", "--since", "2026-07-01")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("github or gitlab");
    }

    @Test
    void repositoriesAndEnvironmentsTakeSeveralValues() {
        Map<String, List<String>> options = BackfillCommand.parse(new String[] {"--repository", "acme/a", "acme/b",
                "--environment=production,prod", "--repository", "acme/c", "--dry-run", "--since", "2026-07-01"});
        assertThat(options.get("--repository")).containsExactly("acme/a", "acme/b", "acme/c");
        assertThat(options.get("--environment")).containsExactly("production", "prod");
        assertThat(options).containsKey("--dry-run");
        assertThat(BackfillCommand.time("2026-09-30", "--until", true))
                .as("a day given as the end is included").isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
    }

    @Test
    void aDryRunPrintsWhatWouldBeImportedAndWritesNothing(@TempDir Path dataDir) throws Exception {
        try (FakeGitHub github = FakeGitHub.start()) {
            Stories.quarter("acme/ledger", Instant.parse("2026-07-01T00:00:00Z")).serve(github);
            int status = BackfillCommand.run(new String[] {"github", "--repository", "acme/ledger", "--since",
                            "2026-07-01", "--until", "2026-09-30", "--dry-run", "--api-url", github.api().toString()},
                    Settings.of(Map.of("OVERSIGHT_GITHUB_TOKEN", "test-token",
                            "OVERSIGHT_DATA_DIR", dataDir.toString())),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), d -> { });
            assertThat(status).isZero();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("acme/ledger: 2 deploys, 3 pull requests (3 reviews), 2 checks")
                .contains("deployment 101 to production").contains("previous deploy: deployment 100")
                .contains("would write: 2 check_run, 3 deployment, 3 deployment_status, 3 pull_request, "
                        + "3 pull_request_review, 4 push")
                .contains("dry run: nothing was written");
        try (var files = Files.list(dataDir)) {
            assertThat(files).as("no checkpoint, no kept answers").isEmpty();
        }
    }

    @Test
    void aGitLabDryRunReadsTheProjectWithTheGitLabToken(@TempDir Path dataDir) throws Exception {
        try (FakeGitHub gitlab = FakeGitHub.startGitLab()) {
            new GitLabStory(Stories.quarter("acme/payments/ledger", Instant.parse("2026-07-01T00:00:00Z")))
                    .serve(gitlab);
            int status = BackfillCommand.run(new String[] {"gitlab", "--project", "acme/payments/ledger", "--since",
                            "2026-07-01", "--until", "2026-09-30", "--dry-run", "--api-url", gitlab.base().toString()},
                    Settings.of(Map.of("OVERSIGHT_GITLAB_TOKEN", "test-token",
                            "OVERSIGHT_DATA_DIR", dataDir.toString())),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), d -> { });
            assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("acme/payments/ledger: 2 deploys, 3 merge requests (3 approvals), 2 pipelines")
                .contains("previous deploy: deployment 100")
                .contains("not known from GitLab: deployed commits without a pipeline")
                .contains("would write: 3 Deployment Hook, 10 Merge Request Hook, 2 Pipeline Hook, 4 Push Hook")
                .contains("dry run: nothing was written");
        try (var files = Files.list(dataDir)) {
            assertThat(files).as("no checkpoint, no kept answers").isEmpty();
        }
    }

    @Test
    void gitLabWithoutItsTokenIsRefusedNamingIt() {
        assertThat(cli("backfill", "gitlab", "--project", "acme/ledger", "--since", "2026-07-01", "--dry-run"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("OVERSIGHT_GITLAB_TOKEN");
    }
}
