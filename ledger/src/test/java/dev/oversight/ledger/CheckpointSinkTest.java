package dev.oversight.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.oversight.events.Checkpoint;
import dev.oversight.events.json.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The second place: a directory of append-only files, or an HTTP endpoint. */
class CheckpointSinkTest {

    @TempDir
    Path dir;

    private Checkpoint checkpoint(long seq) {
        return Checkpoints.sign(LedgerKey.loadOrCreate(dir.resolve("key.pem")), "test", "t/0", seq, "ab".repeat(32),
                Instant.parse("2026-12-02T01:00:00Z"), List.of());
    }

    @Test
    void aDirectoryKeepsEveryCheckpointAppendedOneALineAndSigned() throws Exception {
        CheckpointSink sink = CheckpointSink.of(new LedgerConfig(dir.resolve("key.pem"), Duration.ofMinutes(5),
                Optional.of(dir.resolve("worm")), Optional.empty())).orElseThrow();
        sink.keep(checkpoint(1));
        sink.keep(checkpoint(2));
        List<String> lines = Files.readAllLines(dir.resolve("worm/checkpoints-2026-12-02.jsonl"));
        assertThat(lines).hasSize(2);
        LedgerKey key = LedgerKey.read(dir.resolve("key.pem"));
        for (String line : lines) {
            assertThat(Checkpoints.check(Json.mapper().readTree(line), Map.of(key.keyId(), key.publicKey())))
                    .isEqualTo(Checkpoints.Check.VALID);
        }
    }

    @Test
    void anEndpointReceivesEachCheckpointAsJsonAndARefusalIsAFailure() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(204);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/checkpoints", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/checkpoints");
            CheckpointSink sink = CheckpointSink.http(url);
            sink.keep(checkpoint(7));
            assertThat(received).singleElement().satisfies(r -> {
                assertThat(r).startsWith("application/json ");
                assertThat(Json.fromString(r.substring(r.indexOf(' ') + 1), Checkpoint.class).seq()).isEqualTo(7);
            });
            status.set(500);
            assertThatThrownBy(() -> sink.keep(checkpoint(8))).hasMessageContaining("500");
        } finally {
            server.stop(0);
        }
    }
}
