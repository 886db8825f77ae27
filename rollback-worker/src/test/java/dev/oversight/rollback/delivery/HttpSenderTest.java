package dev.oversight.rollback.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.runtime.http.RecordingHttpServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpSenderTest {

    private final RecordingHttpServer server = RecordingHttpServer.start();
    private final HttpSender http = new HttpSender(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        server.close();
    }

    private DeliveryException failureFor(int status, String body) {
        server.respond(r -> new RecordingHttpServer.Reply(status, body));
        try {
            http.send(HttpSender.Call.postJson(server.url("/x"), Map.of(), "{}"));
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("HTTP " + status + " was taken for a success");
    }

    @Test
    void aSuccessSaysItsStatus() throws Exception {
        server.respond(r -> new RecordingHttpServer.Reply(202, "{}"));
        assertThat(http.send(HttpSender.Call.postJson(server.url("/x"), Map.of("X-A", "b"), "{\"k\":1}")))
                .isEqualTo("HTTP 202");
        assertThat(server.received()).singleElement().satisfies(r -> {
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("X-A")).isEqualTo("b");
            assertThat(r.body()).isEqualTo("{\"k\":1}");
        });
    }

    @Test
    void throttlingAndServerErrorsAreRetriableWithTheReceiversWait() {
        assertThat(failureFor(429, "slow down").kind()).isEqualTo(DeliveryException.Kind.RETRIABLE);
        assertThat(failureFor(503, "").kind()).isEqualTo(DeliveryException.Kind.RETRIABLE);
        assertThat(failureFor(408, "").kind()).isEqualTo(DeliveryException.Kind.RETRIABLE);
        assertThat(failureFor(500, "boom").getMessage()).isEqualTo("HTTP 500: boom");
    }

    @Test
    void aRefusalIsFatal() {
        assertThat(failureFor(400, "{\"message\":\"bad\"}").kind()).isEqualTo(DeliveryException.Kind.FATAL);
        assertThat(failureFor(403, "forbidden").kind()).isEqualTo(DeliveryException.Kind.FATAL);
        assertThat(failureFor(404, "no_service").getMessage()).isEqualTo("HTTP 404: no_service");
    }

    @Test
    void aRateLimitedForbiddenThatSaysWhenToComeBackIsRetriable() {
        HttpSender.Answer limited = new HttpSender.Answer(403, "API rate limit exceeded", Duration.ofSeconds(60));
        assertThat(HttpSender.failure(limited).kind()).isEqualTo(DeliveryException.Kind.RETRIABLE);
        assertThat(HttpSender.failure(limited).retryAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void nobodyListeningIsRetriableBecauseNothingWasSent() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + "/x");
        assertThatThrownBy(() -> http.send(HttpSender.Call.postJson(closed, Map.of(), "{}")))
                .isInstanceOfSatisfying(DeliveryException.class,
                        e -> assertThat(e.kind()).isEqualTo(DeliveryException.Kind.RETRIABLE));
    }

    @Test
    void noAnswerInTimeIsAnUnknownOutcome() {
        HttpSender impatient = new HttpSender(Duration.ofMillis(300));
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        server.respond(r -> {
            try {
                never.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new RecordingHttpServer.Reply(200, "{}");
        });
        assertThatThrownBy(() -> impatient.send(HttpSender.Call.postJson(server.url("/x"), Map.of(), "{}")))
                .isInstanceOfSatisfying(DeliveryException.class,
                        e -> assertThat(e.kind()).isEqualTo(DeliveryException.Kind.UNKNOWN_OUTCOME));
        never.countDown();
    }
}
