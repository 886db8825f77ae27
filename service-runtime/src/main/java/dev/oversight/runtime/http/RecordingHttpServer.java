package dev.oversight.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A small HTTP receiver on 127.0.0.1 that keeps every request it gets: the demo shows alerts as their receiver got
 * them, and tests stand it in for Slack, PagerDuty, GitHub or a deployer. The answer is 200 unless a responder says
 * otherwise.
 */
public final class RecordingHttpServer implements AutoCloseable {

    /** A request as it arrived. Header names are lower case. */
    public record Received(String method, String path, String query, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer to give. */
    public record Reply(int status, String body) {}

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private volatile Function<Received, Reply> responder = r -> new Reply(200, "{\"ok\":true}");

    private RecordingHttpServer(HttpServer server) {
        this.server = server;
    }

    public static RecordingHttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            RecordingHttpServer recorder = new RecordingHttpServer(server);
            server.createContext("/", recorder::handle);
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "recording-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return recorder;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start an HTTP receiver on 127.0.0.1", e);
        }
    }

    /** Sets how requests are answered from now on. */
    public RecordingHttpServer respond(Function<Received, Reply> responder) {
        this.responder = responder;
        return this;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until the requests received satisfy the condition, or the time is up; returns what was received. */
    public List<Received> await(Predicate<List<Received>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!done.test(List.copyOf(received))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(received);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
        Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), headers, body);
        Reply reply;
        try {
            reply = responder.apply(request);
        } catch (RuntimeException e) {
            reply = new Reply(500, "{\"error\":\"" + e.getMessage() + "\"}");
        }
        synchronized (this) {
            received.add(request);
            notifyAll();
        }
        byte[] answer = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
