package dev.oversight.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub's REST API on loopback, as GitHub Enterprise serves it (under {@code /api/v3}), or GitLab's (under
 * {@code /api/v4}, {@link #startGitLab()}): the resources a test puts in, each list served in pages with {@code Link}
 * headers (GitLab: and {@code X-Next-Page}), an {@code ETag} on every answer (304 to a matching
 * {@code If-None-Match}), the source's rate-limit headers, and the failures a test scripts (a 403 or 429 with
 * {@code Retry-After}, a 502, a 503) before the real answer.
 */
public final class FakeGitHub implements AutoCloseable {

    /** How the source serves its API: where, how a token is sent, how its headers are named. */
    private record Flavor(String root, String tokenHeader, String token, String rateLimitPrefix,
                          List<String> pagedFields) {
        static final Flavor GITHUB = new Flavor("/api/v3/", "Authorization", "Bearer test-token", "X-RateLimit-",
                List.of("check_runs", "commits"));
        static final Flavor GITLAB = new Flavor("/api/v4/", "PRIVATE-TOKEN", "test-token", "RateLimit-", List.of());
    }

    /** A scripted answer given instead of the resource, once. */
    public record Failure(int status, Map<String, String> headers, String body) {}

    private final HttpServer server;
    private final Map<String, JsonNode> resources = new ConcurrentHashMap<>();
    private final Map<String, Generated> generated = new ConcurrentHashMap<>();
    private volatile java.util.function.Function<String, JsonNode> resolver = key -> null;
    private final Map<String, Deque<Failure>> failures = new ConcurrentHashMap<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private volatile int pageSize = 100;
    private volatile int notModified;
    private volatile boolean linkHeaders = true;
    private final Flavor flavor;

    private FakeGitHub(HttpServer server, Flavor flavor) {
        this.server = server;
        this.flavor = flavor;
    }

    public static FakeGitHub start() throws IOException {
        return start(Flavor.GITHUB);
    }

    /** GitLab's API v4: {@code PRIVATE-TOKEN}, {@code RateLimit-*}, {@code X-Next-Page} besides {@code Link}. */
    public static FakeGitHub startGitLab() throws IOException {
        return start(Flavor.GITLAB);
    }

    private static FakeGitHub start(Flavor flavor) throws IOException {
        // Without it the JDK's server writes headers and body apart and every answer waits out the client's delayed
        // ACK (~40 ms): a fake that slow would measure itself, not the backfill. Read once, when the server first starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeGitHub fake = new FakeGitHub(server, flavor);
        server.createContext("/", fake::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        return fake;
    }

    /** The API's root, GitHub Enterprise style ({@code /api/v3}); GitLab's ({@code /api/v4}). */
    public URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + flavor.root().replaceAll("/$", ""));
    }

    /** The server's address without the API's root: GitLab's address as users give it. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Without {@code Link} headers: pages are then found through {@code X-Next-Page} alone (GitLab only). */
    public FakeGitHub linkHeaders(boolean on) {
        this.linkHeaders = on;
        return this;
    }

    /** A resource at {@code path} (with its query, without {@code per_page}/{@code page}). */
    public FakeGitHub put(String path, JsonNode body) {
        resources.put(key(path), body);
        return this;
    }

    /** A list of {@code size} items made one page at a time ({@code item.apply(i)}), for lists too big to hold. */
    public FakeGitHub putGenerated(String path, int size, java.util.function.IntFunction<JsonNode> item) {
        generated.put(key(path), new Generated(size, item));
        return this;
    }

    private record Generated(int size, java.util.function.IntFunction<JsonNode> item) {}

    /**
     * Makes the resource of a path no resource was put for (its key: path?query without paging); null: 404, or
     * what the resolvers given before make of it.
     */
    public FakeGitHub resolver(java.util.function.Function<String, JsonNode> resolver) {
        java.util.function.Function<String, JsonNode> before = this.resolver;
        this.resolver = key -> {
            JsonNode made = resolver.apply(key);
            return made != null ? made : before.apply(key);
        };
        return this;
    }

    /** The answers a list is served in pages of, whatever {@code per_page} asks (GitHub caps it too). */
    public FakeGitHub pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /** The next request for {@code path} (any page) gets this answer instead, once per failure given. */
    public FakeGitHub fail(String path, Failure... answers) {
        failures.computeIfAbsent(key(path), k -> new ArrayDeque<>()).addAll(List.of(answers));
        return this;
    }

    /** Every request served, as {@code path?query} after the API's root. */
    public List<String> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public int notModified() {
        return notModified;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = exchange.getRequestURI().getRawPath();
            String path = raw.startsWith(flavor.root()) ? raw.substring(flavor.root().length()) : raw.substring(1);
            String query = exchange.getRequestURI().getRawQuery();
            log.add(path + (query == null ? "" : "?" + query));
            if (!flavor.token().equals(exchange.getRequestHeaders().getFirst(flavor.tokenHeader()))) {
                send(exchange, 401, Map.of(), flavor == Flavor.GITHUB ? "{\"message\":\"Bad credentials\"}"
                        : "{\"message\":\"401 Unauthorized\"}");
                return;
            }
            Map<String, String> params = params(query);
            String key = key(path, params);
            Deque<Failure> scripted = failures.get(key);
            Failure failure = scripted == null ? null : scripted.poll();
            if (failure != null) {
                send(exchange, failure.status(), failure.headers(), failure.body());
                return;
            }
            int page = Integer.parseInt(params.getOrDefault("page", "1"));
            int size = Math.min(pageSize, Integer.parseInt(params.getOrDefault("per_page", "30")));
            JsonNode resource = resources.get(key);
            Generated list = generated.get(key);
            if (list != null) {
                ArrayNode pageItems = Json.mapper().createArrayNode();
                for (int i = (page - 1) * size; i < Math.min(list.size(), page * size); i++) {
                    pageItems.add(list.item().apply(i));
                }
                resource = pageItems;
            }
            if (resource == null) {
                resource = resolver.apply(key);
            }
            if (resource == null) {
                send(exchange, 404, Map.of(), "{\"message\":\"Not Found\"}");
                return;
            }
            JsonNode items = list != null ? null : listOf(resource);
            Map<String, String> headers = new TreeMap<>();
            JsonNode body = resource;
            if (list != null && page * size < list.size()) {
                pageHeaders(headers, path, params, page, (list.size() + size - 1) / size);
            }
            if (items != null) {
                int from = Math.min(items.size(), (page - 1) * size);
                int to = Math.min(items.size(), from + size);
                ArrayNode slice = Json.mapper().createArrayNode();
                for (int i = from; i < to; i++) {
                    slice.add(items.get(i));
                }
                body = resource.isArray() ? slice : ((ObjectNode) resource.deepCopy()).set(field(resource), slice);
                int last = Math.max(1, (items.size() + size - 1) / size);
                if (page < last) {
                    pageHeaders(headers, path, params, page, last);
                }
            }
            byte[] bytes = Json.mapper().writeValueAsBytes(body);
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + "\"";
            headers.put("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified++;
                send(exchange, 304, headers, null);
                return;
            }
            send(exchange, 200, headers, new String(bytes, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** {@code Link} to the next and last pages; GitLab's {@code X-Page}, {@code X-Next-Page} too. */
    private void pageHeaders(Map<String, String> headers, String path, Map<String, String> params, int page, int last) {
        if (linkHeaders) {
            headers.put("Link", "<" + flavor.root() + path + "?" + withPage(params, page + 1) + ">; rel=\"next\", <"
                    + flavor.root() + path + "?" + withPage(params, last) + ">; rel=\"last\"");
        }
        if (flavor == Flavor.GITLAB) {
            headers.put("X-Page", String.valueOf(page));
            headers.put("X-Next-Page", String.valueOf(page + 1));
            headers.put("X-Total-Pages", String.valueOf(last));
        }
    }

    private JsonNode listOf(JsonNode resource) {
        if (resource.isArray()) {
            return resource;
        }
        String field = field(resource);
        return field == null ? null : resource.get(field);
    }

    /** The array a list answer that is an object pages: check runs, a comparison's commits (GitHub's). */
    private String field(JsonNode resource) {
        for (String field : flavor.pagedFields()) {
            if (resource.path(field).isArray()) {
                return field;
            }
        }
        return null;
    }

    private void send(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set(flavor.rateLimitPrefix() + "Limit", "5000");
        exchange.getResponseHeaders().set(flavor.rateLimitPrefix() + "Remaining", "4999");
        exchange.getResponseHeaders().set(flavor.rateLimitPrefix() + "Reset",
                String.valueOf(System.currentTimeMillis() / 1000 + 3600));
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String key(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? key(pathAndQuery, Map.of()) : key(pathAndQuery.substring(0, q), params(pathAndQuery.substring(q + 1)));
    }

    private static String key(String path, Map<String, String> params) {
        Map<String, String> rest = new TreeMap<>(params);
        rest.remove("per_page");
        rest.remove("page");
        StringBuilder key = new StringBuilder(path);
        rest.forEach((k, v) -> key.append(key.indexOf("?") < 0 ? '?' : '&').append(k).append('=').append(v));
        return key.toString();
    }

    private static String withPage(Map<String, String> params, int page) {
        Map<String, String> next = new TreeMap<>(params);
        next.put("page", String.valueOf(page));
        StringBuilder q = new StringBuilder();
        next.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&").append(k).append('=').append(v));
        return q.toString();
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new TreeMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(k, v);
        }
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
