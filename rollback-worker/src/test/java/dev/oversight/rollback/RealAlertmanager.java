package dev.oversight.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The Debian {@code prometheus-alertmanager} binary, started on 127.0.0.1 with free ports, clustering off, its
 * storage in a temporary directory, and one receiver: a webhook (send_resolved) to the URL given.
 */
final class RealAlertmanager implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;
    private final Path log;

    private RealAlertmanager(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static RealAlertmanager start(Path dir, URI receiver) throws Exception {
        int port = freePort();
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: recorder
                  group_by: [deploy, alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: recorder
                    webhook_configs:
                      - url: %s
                        send_resolved: true
                """.formatted(receiver));
        Path log = dir.resolve("alertmanager.log");
        Process process = new ProcessBuilder("prometheus-alertmanager",
                "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(dir.resolve("alertmanager-data")),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RealAlertmanager alertmanager = new RealAlertmanager(process, port, log);
        alertmanager.await(() -> alertmanager.get("/-/ready").statusCode() == 200, Duration.ofSeconds(60),
                "Alertmanager ready");
        return alertmanager;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The alerts Alertmanager lists ({@code GET /api/v2/alerts}) whose {@code deploy} label is this deploy. */
    List<JsonNode> alertsOf(String deployId) throws Exception {
        String filter = URLEncoder.encode("deploy=\"" + deployId + "\"", StandardCharsets.UTF_8);
        HttpResponse<String> answer = get("/api/v2/alerts?filter=" + filter);
        List<JsonNode> alerts = new ArrayList<>();
        Json.mapper().readTree(answer.body()).forEach(alerts::add);
        return alerts;
    }

    /** Waits until the deploy's listed alerts satisfy the condition; returns them. */
    List<JsonNode> awaitAlerts(String deployId, Predicate<List<JsonNode>> done, Duration timeout) throws Exception {
        List<List<JsonNode>> last = new ArrayList<>(List.of(List.of()));
        await(() -> {
            last.set(0, alertsOf(deployId));
            return done.test(last.get(0));
        }, timeout, "alerts of " + deployId + " as expected; last listed: " + last.get(0));
        return last.get(0);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Checks the condition until it holds, pausing by waiting on the process (so a crash ends the wait too). */
    private void await(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Alertmanager exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
