package dev.oversight.rollback.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** POSTs JSON and classifies the answer: 2xx done, 429/5xx/IO retriable, other 4xx not. */
public final class HttpSender {

    private final HttpClient client;
    private final Duration timeout;

    public HttpSender(Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    public String postJson(URI url, String body, Map<String, String> headers) throws AlertSink.SinkException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Oversight")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AlertSink.SinkException("cannot reach " + url.getHost() + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertSink.SinkException("interrupted", true);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return "HTTP " + status;
        }
        String answer = "HTTP " + status + (response.body() == null || response.body().isBlank() ? ""
                : ": " + abbreviate(response.body()));
        throw new AlertSink.SinkException(answer, status == 429 || status >= 500);
    }

    private static String abbreviate(String body) {
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
