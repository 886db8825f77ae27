package dev.oversight.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.IngestFixture;
import dev.oversight.ingest.Payloads;
import dev.oversight.testing.kafka.RealKafka;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures made by @octokit/webhooks-methods 6.0.0 (the package GitHub's JavaScript SDK signs and verifies with,
 * run by node from target/npm, where the build installed it) against ingest's, both ways.
 */
@ExtendWith(RealKafka.class)
class SignatureInteropIT {

    private static final String SECRET = "Ünïcødé secret ✓ with spaces";
    private static final Path PEER = Path.of("target", "npm");

    private static IngestFixture ingest;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        ingest = IngestFixture.start(RealKafka.bootstrapServers(), IngestFixture.newPrefix("interop"),
                Map.of(IngestConfig.GITHUB_SECRET.name(), "an-older-secret," + SECRET));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    /** Runs the peer: {@code node webhooks-methods.mjs ARGS}, returning what it printed. */
    private static String octokit(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("node", "webhooks-methods.mjs"));
        command.addAll(Arrays.asList(args));
        Process node = new ProcessBuilder(command).directory(PEER.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        return output;
    }

    private Path file(byte[] body) throws IOException {
        Path file = Files.createTempFile(dir, "body", ".json");
        Files.write(file, body);
        return file;
    }

    private static HttpResponse<String> post(byte[] body, String signature) throws Exception {
        return ingest.post("/webhooks/github", Map.of("Content-Type", "application/json",
                "X-GitHub-Event", "pull_request", "X-GitHub-Delivery", UUID.randomUUID().toString(),
                GitHubSignature.HEADER, signature), body);
    }

    /** The first pull_request example of @octokit/webhooks-examples, as its own JSON document. */
    private static byte[] body() {
        return Payloads.toBytes(Payloads.octokit("pull_request").get(0));
    }

    @Test
    void aBodyOctokitSignedIsAcceptedAndOneChangedByteIsNot() throws Exception {
        byte[] body = body();
        String signature = octokit("sign", SECRET, file(body).toString());
        assertThat(signature).startsWith("sha256=").hasSize(71);
        assertThat(post(body, signature).statusCode()).isEqualTo(202);

        byte[] changed = body.clone();
        int at = new String(changed, StandardCharsets.UTF_8).indexOf("Codertocat");
        changed[at] = 'c'; // still valid JSON: only the signature can fail it
        HttpResponse<String> refused = post(changed, signature);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("does not match");
    }

    @Test
    void whatOversightSignsOctokitVerifiesAndOneChangedByteItDoesNot() throws Exception {
        byte[] body = body();
        String signature = GitHubSignature.sign(SECRET, body);
        assertThat(octokit("verify", SECRET, file(body).toString(), signature)).isEqualTo("true");
        assertThat(octokit("sign", SECRET, file(body).toString())).isEqualTo(signature);
        byte[] changed = body.clone();
        changed[changed.length / 2] ^= 0x01;
        assertThat(octokit("verify", SECRET, file(changed).toString(), signature)).isEqualTo("false");
    }
}
