package dev.oversight.ingest.http;

import dev.oversight.events.Evidence;
import dev.oversight.events.EvidenceRules;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.cloudevents.CloudEventReader;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook route, the same for every source: content type (415), then authentication (401), then headers and
 * body (400: also when an evidence record read from it would not be valid), then {@link DeliveryAcceptor} writes what
 * was read and answers. A request the body reader refused is
 * answered here too (413, 408), so every request gets a JSON answer.
 */
public final class WebhookRoute implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoute.class);

    private final WebhookSource source;
    private final DeliveryAcceptor acceptor;
    private final Clock clock;
    private final long maxBodyBytes;

    private WebhookRoute(WebhookSource source, DeliveryAcceptor acceptor, Clock clock, long maxBodyBytes) {
        this.source = source;
        this.acceptor = acceptor;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Mounts {@code POST <source path>}: the raw body reader, then the source's handling. */
    public static void mount(Router router, WebhookSource source, RawBody body, DeliveryAcceptor acceptor,
                             Clock clock) {
        WebhookRoute route = new WebhookRoute(source, acceptor, clock, body.limit());
        router.post(source.path()).handler(body).handler(route).failureHandler(route::failed);
    }

    @Override
    public void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        Instant receivedAt = clock.instant();
        HttpServerRequest request = ctx.request();
        String tag = source.eventTag(request);
        try {
            String mediaType = mediaType(request.getHeader("Content-Type"));
            if (!source.mediaTypes().contains(mediaType)) {
                throw new Rejection(415, "content_type", "Content-Type must be " + String.join(" or ",
                        new TreeSet<>(source.mediaTypes())) + ", got '" + mediaType + "'");
            }
            byte[] body = RawBody.of(ctx);
            source.authenticate(request, body);
            Intake intake = checked(read(request, mediaType, body, receivedAt));
            acceptor.accept(ctx, started, source.source(), intake, receivedAt);
        } catch (Rejection e) {
            acceptor.reject(ctx, started, source.source(), tag, e.status(), e.cause(), e.getMessage());
        } catch (MalformedPayloadException e) {
            acceptor.reject(ctx, started, source.source(), tag, 400, "malformed",
                    "malformed payload: " + e.getMessage());
        }
    }

    /**
     * The source's reading of an authenticated request. Whatever fails while a body is read and normalized is the
     * sender's: nothing has been written and no peer was asked, so an exception the source did not foresee is a 400
     * that names it, never a 500.
     */
    private Intake read(HttpServerRequest request, String mediaType, byte[] body, Instant receivedAt) {
        try {
            return source.read(request, mediaType, body, receivedAt);
        } catch (Rejection | MalformedPayloadException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("A {} delivery could not be read; answered 400", source.source().id(), e);
            throw new MalformedPayloadException("the body could not be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /**
     * The intake, once every evidence record of it is valid ({@link EvidenceRules}): what ingest writes, every reader
     * of the evidence can read. A record that is not refuses the request (400, naming the record and its field), and
     * nothing of it is written.
     */
    static Intake checked(Intake intake) {
        List<Delivery> deliveries = intake.deliveries();
        for (int i = 0; i < deliveries.size(); i++) {
            if (!(deliveries.get(i).normalized() instanceof Normalized.Accepted accepted)) {
                continue;
            }
            for (Evidence evidence : accepted.evidence()) {
                List<EvidenceRules.Problem> problems = EvidenceRules.check(evidence);
                if (!problems.isEmpty()) {
                    String problem = "the " + evidence.kind() + " record read from it would not be valid: "
                            + problems.stream().map(EvidenceRules.Problem::toString).collect(Collectors.joining("; "));
                    // A CloudEvents batch is the one intake of several deliveries: name the event.
                    throw new MalformedPayloadException(deliveries.size() > 1 || intake.batch()
                            ? CloudEventReader.inBatch(i, problem) : problem);
                }
            }
        }
        return intake;
    }

    /** A request the body reader refused (413, 408, 400), or a handler bug: a JSON answer, never a hang. */
    private void failed(RoutingContext ctx) {
        long started = System.nanoTime();
        String tag = source.eventTag(ctx.request());
        switch (ctx.statusCode()) {
            case 413 -> acceptor.reject(ctx, started, source.source(), tag, 413, "too_large",
                    "body is larger than the limit of " + maxBodyBytes + " bytes");
            case 408 -> {
                // The client is still (slowly) sending: answer, then close the connection rather than read on.
                ctx.response().putHeader("Connection", "close").endHandler(v -> ctx.request().connection().close());
                acceptor.reject(ctx, started, source.source(), tag, 408, "timeout",
                        "the request body did not arrive in time; nothing was written");
            }
            case 400 -> acceptor.reject(ctx, started, source.source(), tag, 400, "malformed",
                    "the request body could not be read");
            default -> {
                LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
                acceptor.reject(ctx, started, source.source(), tag, ctx.statusCode() > 0 ? ctx.statusCode() : 500,
                        "error", "the request could not be handled; nothing was written");
            }
        }
    }

    /** The media type of a Content-Type header, lower case, without parameters; empty when absent. */
    public static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
