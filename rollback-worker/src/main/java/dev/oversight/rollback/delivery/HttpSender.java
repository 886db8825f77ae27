package dev.oversight.rollback.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Makes HTTP calls and classifies what comes back: 2xx done; 408, 429, 5xx and a rate-limited 403 retriable (with
 * the receiver's Retry-After); other 4xx fatal; a connection that could not be made retriable (nothing was sent); a timeout or a
 * connection lost after sending is an unknown outcome.
 */
public final class HttpSender {

    /** One HTTP request. */
    public record Call(String method, URI uri, Map<String, String> headers, String body) {

        public Call {
            headers = Map.copyOf(headers);
        }

        public static Call postJson(URI uri, Map<String, String> headers, String body) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put("Content-Type", "application/json");
            return new Call("POST", uri, all, body);
        }

        public static Call get(URI uri, Map<String, String> headers) {
            return new Call("GET", uri, headers, null);
        }
    }

    /** The receiver's answer. */
    public record Answer(int status, String body, Duration retryAfter) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final Duration timeout;

    public HttpSender(Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    /** Sends the call and returns any answer; throws only when no answer came. */
    public Answer exchange(Call call) throws DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(call.uri())
                .timeout(timeout)
                .header("User-Agent", "Oversight")
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(call.body()));
        call.headers().forEach(request::header);
        HttpResponse<String> response;
        String where = call.uri().getHost() + (call.uri().getPort() > 0 ? ":" + call.uri().getPort() : "");
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new DeliveryException(DeliveryException.Kind.RETRIABLE, "cannot connect to " + where + ": " + e);
        } catch (IOException e) {
            throw new DeliveryException(DeliveryException.Kind.UNKNOWN_OUTCOME,
                    "no answer from " + where + " (" + e + "): the request may have been carried out");
        } catch (UnresolvedAddressException e) {
            throw new DeliveryException(DeliveryException.Kind.RETRIABLE, "cannot resolve " + where);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(DeliveryException.Kind.UNKNOWN_OUTCOME,
                    "interrupted while waiting for " + where + ": the request may have been carried out");
        }
        Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After"));
        if (retryAfter == null && response.headers().firstValue("x-ratelimit-remaining").orElse("").equals("0")) {
            // GitHub's primary rate limit: wait until the window resets.
            retryAfter = response.headers().firstValue("x-ratelimit-reset").map(reset -> {
                try {
                    return Duration.ofSeconds(Math.max(1, Long.parseLong(reset.trim())
                            - java.time.Instant.now().getEpochSecond()));
                } catch (NumberFormatException e) {
                    return null;
                }
            }).orElse(null);
        }
        return new Answer(response.statusCode(), response.body(), retryAfter);
    }

    /** Sends the call and requires a 2xx; returns "HTTP <status>", or throws the classified failure. */
    public String send(Call call) throws DeliveryException {
        Answer answer = exchange(call);
        if (!answer.ok()) {
            throw failure(answer);
        }
        return "HTTP " + answer.status();
    }

    /** Sends the calls in order, each requiring a 2xx; returns the last answer. */
    public String sendAll(java.util.List<Call> calls) throws DeliveryException {
        String answer = "nothing to send";
        for (Call call : calls) {
            answer = send(call);
        }
        return answer;
    }

    /** The classified failure for a non-2xx answer. */
    public static DeliveryException failure(Answer answer) {
        int status = answer.status();
        String text = "HTTP " + status + (answer.body() == null || answer.body().isBlank() ? ""
                : ": " + abbreviate(answer.body()));
        // A 403 that says when to come back is a rate limit (GitHub), not a refusal.
        boolean retriable = status == 408 || status == 429 || status >= 500
                || status == 403 && answer.retryAfter() != null;
        return new DeliveryException(retriable ? DeliveryException.Kind.RETRIABLE : DeliveryException.Kind.FATAL,
                text, answer.retryAfter());
    }

    /** Collapses whitespace and cuts a receiver's answer to 200 characters, for details and logs. */
    public static String abbreviate(String body) {
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    private static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.get().trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
