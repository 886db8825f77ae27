package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.ledger.LedgerKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's commands as a user meets them: their help, their usage errors, the public key. */
class LedgerCommandsTest {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = OversightCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void eachCommandExplainsItself() {
        assertThat(run("export", "--help")).satisfies(r -> {
            assertThat(r.status()).isZero();
            assertThat(r.out()).startsWith("Usage: oversight export --bootstrap-servers HOST:PORT --out DIR");
        });
        assertThat(run("verify", "--help").out()).startsWith("Usage: oversight verify DIR");
        assertThat(run("ledger", "--help").out()).startsWith("Usage: oversight ledger public-key");
        assertThat(run("--help").out()).contains("verify DIR").contains("ledger public-key").contains("export");
    }

    @Test
    void aWrongCommandLineSaysWhatIsWrongWithStatus2() {
        assertThat(run("export", "--bootstrap-servers", "127.0.0.1:1")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("--out DIR is required").contains("oversight export --help");
        });
        assertThat(run("export", "--out", dir.toString(), "--from", "yesterday").err())
                .contains("--from takes an ISO instant");
        assertThat(run("verify").err()).contains("give either a bundle directory or --bootstrap-servers");
        assertThat(run("verify", dir.resolve("missing").toString()).status()).isEqualTo(2);
        assertThat(run("ledger", "private-key").status()).isEqualTo(2);
    }

    @Test
    void thePublicKeyIsPrintedOnceTheServicesMadeIt() {
        Run none = run("ledger", "public-key", "--data-dir", dir.toString());
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("there is no ledger key at");
        LedgerKey key = LedgerKey.loadOrCreate(dir.resolve("ledger/ledger-key.pem"));
        Run printed = run("ledger", "public-key", "--data-dir", dir.toString());
        assertThat(printed.status()).isZero();
        assertThat(printed.out()).isEqualTo(key.publicPem()).doesNotContain("PRIVATE");
    }
}
