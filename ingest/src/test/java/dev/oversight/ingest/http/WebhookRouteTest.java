package dev.oversight.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The route answers every request with JSON; what fails while a body is read is the sender's (400), never a 500. */
class WebhookRouteTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A source that authenticates everyone and whose reading throws what a normalizer did not foresee. */
    private static final class Throwing implements WebhookSource {
        public Source source() { return Source.JENKINS; }

        public String path() { return "/webhooks/test"; }

        public Set<String> mediaTypes() { return Set.of("application/json"); }

        public String eventTag(HttpServerRequest request) { return "build"; }

        public void authenticate(HttpServerRequest request, byte[] body) {}

        public Intake read(HttpServerRequest request, String mediaType, byte[] body, Instant receivedAt) {
            throw new java.time.DateTimeException("Instant exceeds minimum or maximum instant");
        }
    }

    @Test
    void anExceptionWhileReadingTheBodyIsA400ThatNamesIt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Router router = Router.router(vertx);
        // Only the refusal path of the acceptor is reached: nothing is written, no Kafka is needed.
        WebhookRoute.mount(router, new Throwing(), new RawBody(1024, Duration.ofSeconds(5)),
                new DeliveryAcceptor(null, null, null, registry, Duration.ofSeconds(1)), Clock.systemUTC());
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.actualPort() + "/webhooks/test"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("malformed payload: the body could not be read (DateTimeException: "
                + "Instant exceeds minimum or maximum instant)");
        assertThat(registry.get("oversight.webhook.rejections").tag("cause", "malformed").counter().count())
                .isEqualTo(1);
    }
}
