package dev.oversight.backfill.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a source's REST API the way its operators ask clients to: every page (the {@code Link} header's
 * {@code rel="next"}, or GitLab's {@code X-Next-Page}), waiting when the rate limit says so ({@code Retry-After} on
 * a 403 or 429; the remaining quota at 0 until its reset), retrying what may succeed later (5xx, a connection that broke) with backoff, and asking
 * with {@code If-None-Match} for what it read before ({@link ResponseCache}; a 304 costs no quota).
 *
 * <p>Failures are classified before acting: retriable (above, bounded; a 403 or 429 that names a rate limit but no
 * time waits a minute, as GitHub asks), or fatal ({@link ApiException}: a token
 * refused, a repository not found, a 4xx that asking again would not change).
 */
public final class RestClient {

    /** How the source names its rate-limit headers (GitHub: {@code X-RateLimit-*}; GitLab: {@code RateLimit-*}). */
    public record RateLimitHeaders(String remaining, String reset) {
        public static final RateLimitHeaders GITHUB = new RateLimitHeaders("x-ratelimit-remaining", "x-ratelimit-reset");
        public static final RateLimitHeaders GITLAB = new RateLimitHeaders("ratelimit-remaining", "ratelimit-reset");
    }

    /** Waits; replaced in tests by one that records the waits instead of taking them. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));
    }

    /** What was asked, seen as the caller needs it: answers, waits, retries. */
    public interface Listener {
        void waited(Duration duration, String why);

        Listener NONE = (d, why) -> { };
    }

    static final int MAX_ATTEMPTS = 6;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_WAIT = Duration.ofHours(1);
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HttpClient http;
    private final Map<String, String> authHeaders;
    private final RateLimitHeaders limits;
    private final ResponseCache cache;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Listener listener;
    private long requests;

    public RestClient(Map<String, String> authHeaders, RateLimitHeaders limits, ResponseCache cache, Sleeper sleeper,
                      Clock clock, Listener listener) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.authHeaders = Map.copyOf(authHeaders);
        this.limits = limits;
        this.cache = cache;
        this.sleeper = sleeper;
        this.clock = clock;
        this.listener = listener;
    }

    /** HTTP requests sent so far (a 304 counts; waits do not). */
    public long requests() {
        return requests;
    }

    /** One resource. */
    public JsonNode get(URI uri) throws IOException, InterruptedException {
        return fetch(uri).body();
    }

    /** Every page of a list, each page's items handed over as they arrive; stop early by returning false. */
    public void pages(URI first, java.util.function.Predicate<JsonNode> onPage) throws IOException, InterruptedException {
        URI next = first;
        while (next != null) {
            Page page = fetch(next);
            if (!onPage.test(page.body())) {
                return;
            }
            next = page.next();
        }
    }

    /** Every item of every page of a list (an array answer, or the array in {@code field} of an object answer). */
    public List<JsonNode> all(URI first, String field) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        pages(first, page -> {
            JsonNode array = field == null ? page : page.path(field);
            array.forEach(items::add);
            return true;
        });
        return items;
    }

    /** An answer and the link to the next page, if any. */
    record Page(JsonNode body, URI next) {}

    private Page fetch(URI uri) throws IOException, InterruptedException {
        Optional<ResponseCache.Entry> cached = cache.get(uri);
        IOException lastFailure = null;
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
            authHeaders.forEach(request::header);
            cached.ifPresent(c -> request.header("If-None-Match", c.etag()));
            HttpResponse<byte[]> response;
            try {
                requests++;
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                lastFailure = e;
                wait(backoff, "the connection to " + uri.getHost() + " failed (" + e.getMessage() + ")");
                backoff = backoff.multipliedBy(2);
                continue;
            }
            int status = response.statusCode();
            URI next = next(uri, response);
            if (status == 304 && cached.isPresent()) {
                paceByQuota(response);
                return new Page(Json.mapper().readTree(cached.get().body()), next);
            }
            if (status >= 200 && status < 300) {
                String etag = response.headers().firstValue("etag").orElse(null);
                if (etag != null) {
                    cache.put(uri, etag, response.body());
                }
                paceByQuota(response);
                return new Page(Json.mapper().readTree(response.body()), next);
            }
            if (status == 403 || status == 429) {
                Optional<Duration> wait = rateLimitWait(response);
                if (wait.isPresent()) {
                    wait(wait.get(), "the API's rate limit (" + status + ")");
                    attempt--; // a rate limit is not a failure: it is asked again once allowed, however often
                    continue;
                }
                throw new ApiException(status, uri, "the API refused access (" + status + "): " + message(response)
                        + "; does the token have access to it?");
            }
            if (status >= 500) {
                lastFailure = new IOException("the API answered " + status + " for " + uri);
                wait(backoff, "the API answered " + status);
                backoff = backoff.multipliedBy(2);
                continue;
            }
            if (status == 401) {
                throw new ApiException(status, uri, "the API refused the token (401): " + message(response));
            }
            if (status == 404) {
                throw new ApiException(status, uri, "not found (404), or not visible with this token: " + uri.getPath());
            }
            throw new ApiException(status, uri, "the API answered " + status + ": " + message(response));
        }
        throw new IOException("gave up after " + MAX_ATTEMPTS + " attempts: " + lastFailure.getMessage(), lastFailure);
    }

    /**
     * How long to wait before asking again after a 403 or 429, if it is a rate limit: {@code Retry-After} (seconds);
     * or the quota at 0, until its reset. Empty: a refusal that waiting does not change.
     */
    private Optional<Duration> rateLimitWait(HttpResponse<byte[]> response) {
        Optional<String> retryAfter = response.headers().firstValue("retry-after");
        if (retryAfter.isPresent()) {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(1, Long.parseLong(retryAfter.get().trim()))));
            } catch (NumberFormatException notSeconds) {
                return Optional.of(Duration.ofMinutes(1));
            }
        }
        Optional<Duration> reset = untilReset(response);
        if (reset.isPresent()) {
            return reset;
        }
        // A secondary rate limit may come without either: GitHub asks for at least a minute's wait then.
        return message(response).toLowerCase(java.util.Locale.ROOT).contains("rate limit")
                ? Optional.of(Duration.ofMinutes(1)) : Optional.empty();
    }

    /** With the quota used up, waits until it is reset before the next request. */
    private void paceByQuota(HttpResponse<?> response) throws InterruptedException {
        Optional<Duration> wait = untilReset(response);
        if (wait.isPresent()) {
            wait(wait.get(), "the API's hourly quota is used up");
        }
    }

    private Optional<Duration> untilReset(HttpResponse<?> response) {
        Optional<String> remaining = response.headers().firstValue(limits.remaining());
        Optional<String> reset = response.headers().firstValue(limits.reset());
        if (remaining.isEmpty() || reset.isEmpty() || !remaining.get().trim().equals("0")) {
            return Optional.empty();
        }
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(reset.get().trim()));
            Duration wait = Duration.between(clock.instant(), at).plusSeconds(1);
            return Optional.of(wait.isNegative() ? Duration.ofSeconds(1) : wait);
        } catch (NumberFormatException e) {
            return Optional.of(Duration.ofMinutes(1));
        }
    }

    private void wait(Duration duration, String why) throws InterruptedException {
        Duration capped = duration.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : duration;
        listener.waited(capped, why);
        sleeper.sleep(capped);
    }

    /**
     * The {@code rel="next"} link, resolved against the page's own address; without one, GitLab's
     * {@code X-Next-Page} (a page number, empty on the last page) put into the page's own address.
     */
    static URI next(URI page, HttpResponse<?> response) {
        for (String link : response.headers().allValues("link")) {
            Matcher m = NEXT.matcher(link);
            if (m.find()) {
                return page.resolve(m.group(1));
            }
        }
        String nextPage = response.headers().firstValue("x-next-page").map(String::trim).orElse("");
        if (!nextPage.matches("[0-9]+")) {
            return null;
        }
        String query = page.getRawQuery() == null ? "" : page.getRawQuery().replaceAll("(^|&)page=[^&]*", "");
        query = (query.startsWith("&") ? query.substring(1) : query);
        return page.resolve(page.getRawPath() + "?" + (query.isEmpty() ? "" : query + "&") + "page=" + nextPage);
    }

    private static String message(HttpResponse<byte[]> response) {
        try {
            JsonNode body = Json.mapper().readTree(response.body());
            if (body.hasNonNull("message")) {
                return body.get("message").asText();
            }
            if (body.hasNonNull("error")) { // GitLab, for a token refused by scope
                return body.get("error").asText() + (body.hasNonNull("error_description")
                        ? " (" + body.get("error_description").asText() + ")" : "");
            }
        } catch (IOException | RuntimeException notJson) {
            // the status says enough
        }
        return "(no message)";
    }

    /** A refusal that asking again would not change. */
    public static final class ApiException extends IOException {
        private final int status;

        public ApiException(int status, URI uri, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
