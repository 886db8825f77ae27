package dev.oversight.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import dev.oversight.runtime.http.RecordingHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * GitHub's Deployments API as a stub on loopback: {@code POST /repos/{owner}/{repo}/deployments} creates a deployment
 * (201, like GitHub, the moment it arrives), {@code GET} of the same path lists them filtered by {@code sha} and
 * {@code environment}. {@link #holdCreates()} keeps every create waiting for its answer (the deployment exists
 * already) until {@link #release()}, to stop the worker in the middle of one.
 */
final class FakeGitHub implements AutoCloseable {

    private final RecordingHttpServer server;
    private final List<ObjectNode> deployments = new ArrayList<>();
    private final CountDownLatch createArrived = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(0);

    FakeGitHub() {
        server = RecordingHttpServer.start().respond(this::answer);
    }

    URI url() {
        return server.url("");
    }

    RecordingHttpServer server() {
        return server;
    }

    /** From now on, creates wait for {@link #release()} before they are answered. */
    void holdCreates() {
        release = new CountDownLatch(1);
    }

    void release() {
        release.countDown();
    }

    /** Waits until a create arrived; the deployment is created by then. */
    boolean awaitCreate(long seconds) throws InterruptedException {
        return createArrived.await(seconds, TimeUnit.SECONDS);
    }

    synchronized List<ObjectNode> deployments() {
        return List.copyOf(deployments);
    }

    private RecordingHttpServer.Reply answer(RecordingHttpServer.Received request) {
        if (!request.path().matches("/repos/[^/]+/[^/]+/deployments")) {
            return new RecordingHttpServer.Reply(404, "{\"message\":\"Not Found\"}");
        }
        if (request.method().equals("GET")) {
            return new RecordingHttpServer.Reply(200, list(query(request.query())).toString());
        }
        ObjectNode created;
        try {
            JsonNode body = Json.mapper().readTree(request.body());
            synchronized (this) {
                created = Json.mapper().createObjectNode();
                created.put("id", 1000 + deployments.size());
                created.put("sha", body.get("ref").asText());
                created.put("ref", body.get("ref").asText());
                created.put("environment", body.get("environment").asText());
                created.set("payload", body.get("payload"));
                deployments.add(created);
            }
        } catch (IOException e) {
            return new RecordingHttpServer.Reply(400, "{\"message\":\"Problems parsing JSON\"}");
        }
        createArrived.countDown();
        try {
            release.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new RecordingHttpServer.Reply(201, created.toString());
    }

    private synchronized ArrayNode list(Map<String, String> query) {
        ArrayNode found = Json.mapper().createArrayNode();
        for (int i = deployments.size() - 1; i >= 0; i--) {
            ObjectNode d = deployments.get(i);
            if (d.get("sha").asText().equals(query.getOrDefault("sha", d.get("sha").asText()))
                    && d.get("environment").asText().equals(query.getOrDefault("environment",
                    d.get("environment").asText()))) {
                found.add(d);
            }
        }
        return found;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return values;
    }

    @Override
    public void close() {
        release();
        server.close();
    }
}
