package dev.oversight.ingest;

import dev.oversight.ingest.github.GitHubWebhookHandler;
import dev.oversight.ingest.http.DeliveryAcceptor;
import dev.oversight.ingest.http.RawBody;
import dev.oversight.ingest.kafka.DeliveryPublisher;
import dev.oversight.runtime.ManagedService;
import dev.oversight.runtime.kafka.KafkaHealth;
import io.micrometer.core.instrument.MeterRegistry;
import dev.oversight.events.Source;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Clock;
import java.time.Duration;

/**
 * Ingest: the webhook routes of every source, writing to Kafka through one transactional publisher.
 * Routes: {@code POST /webhooks/github}.
 */
public final class IngestService implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final MeterRegistry registry;
    private final Clock clock;
    private DeliveryPublisher publisher;
    private KafkaHealth kafkaHealth;

    public IngestService(IngestConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public void start() {
        kafkaHealth = new KafkaHealth(config.kafka(), Duration.ofSeconds(2));
        publisher = new DeliveryPublisher(config.kafka(), "oversight-ingest-" + config.instanceId(),
                config.kafkaTimeout(), registry);
        publisher.warmUp();
    }

    @Override
    public void mount(Router router) {
        DeliveryAcceptor acceptor = new DeliveryAcceptor(publisher, config.kafka(), registry);
        RawBody body = new RawBody(config.maxBodyBytes());
        router.post("/webhooks/github").handler(body)
                .handler(new GitHubWebhookHandler(config.githubSecrets(), acceptor, clock))
                .failureHandler(ctx -> failed(ctx, acceptor, Source.GITHUB));
    }

    /** A request the body handler refused (413), or a handler bug: a JSON answer, never a hang. */
    private void failed(RoutingContext ctx, DeliveryAcceptor acceptor, Source source) {
        long started = System.nanoTime();
        if (ctx.statusCode() == 413) {
            acceptor.reject(ctx, started, source, null, 413, "too_large",
                    "body is larger than the limit of " + config.maxBodyBytes() + " bytes");
        } else if (ctx.statusCode() == 400) {
            acceptor.reject(ctx, started, source, null, 400, "malformed", "the request body could not be read");
        } else {
            LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            acceptor.reject(ctx, started, source, null, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "error",
                    "the request could not be handled; nothing was written");
        }
    }

    @Override
    public Readiness readiness() {
        if (kafkaHealth == null || !kafkaHealth.reachable()) {
            return Readiness.notReady("Kafka is not reachable at " + config.kafka().bootstrapServers());
        }
        return Readiness.ready("Kafka reachable; webhooks accepted");
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        if (kafkaHealth != null) {
            kafkaHealth.close();
        }
    }
}
