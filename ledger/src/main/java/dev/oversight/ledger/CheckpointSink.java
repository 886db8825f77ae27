package dev.oversight.ledger;

import dev.oversight.events.Checkpoint;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The second place a checkpoint goes, away from the topic it vouches for: a directory of append-only files
 * ({@code checkpoints-YYYY-MM-DD.jsonl}, one JSON checkpoint a line, each line forced to disk before the next step),
 * or an HTTP endpoint that receives each checkpoint as a JSON POST and answers 2xx.
 */
public interface CheckpointSink {

    /** @throws RuntimeException when the checkpoint could not be kept (it is tried again at the next round) */
    void keep(Checkpoint checkpoint);

    String describe();

    static Optional<CheckpointSink> of(LedgerConfig config) {
        if (config.checkpointDir().isPresent()) {
            return Optional.of(directory(config.checkpointDir().get()));
        }
        return config.checkpointUrl().map(CheckpointSink::http);
    }

    static CheckpointSink directory(Path dir) {
        return new CheckpointSink() {
            @Override
            public synchronized void keep(Checkpoint checkpoint) {
                Path file = dir.resolve("checkpoints-" + checkpoint.time().atZone(ZoneOffset.UTC).toLocalDate()
                        + ".jsonl");
                try {
                    Files.createDirectories(dir);
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                        channel.write(ByteBuffer.wrap((Json.toString(checkpoint) + "\n").getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)));
                        channel.force(true);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String describe() {
                return "directory " + dir;
            }
        };
    }

    static CheckpointSink http(URI url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return new CheckpointSink() {
            @Override
            public void keep(Checkpoint checkpoint) {
                HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.toString(checkpoint))).build();
                try {
                    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() / 100 != 2) {
                        throw new IllegalStateException(url.getHost() + " answered " + response.statusCode());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot POST a checkpoint to " + url.getHost() + ": "
                            + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while POSTing a checkpoint", e);
                }
            }

            @Override
            public String describe() {
                return "POST to " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
            }
        };
    }
}
