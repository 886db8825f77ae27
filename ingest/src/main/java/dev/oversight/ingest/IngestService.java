package dev.oversight.ingest;

import dev.oversight.ingest.cloudevents.CloudEventsSource;
import dev.oversight.ingest.dedup.DeliveryLedger;
import dev.oversight.ingest.dedup.ReceiptFollower;
import dev.oversight.ingest.github.GitHubSource;
import dev.oversight.ingest.gitlab.GitLabSource;
import dev.oversight.ingest.http.DeliveryAcceptor;
import dev.oversight.ingest.http.RawBody;
import dev.oversight.ingest.http.WebhookRoute;
import dev.oversight.ingest.http.WebhookSource;
import dev.oversight.ingest.jenkins.JenkinsSource;
import dev.oversight.ingest.kafka.DeliveryPublisher;
import dev.oversight.ingest.kafka.IngestMeters;
import dev.oversight.runtime.ManagedService;
import dev.oversight.runtime.kafka.KafkaHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Ingest: the webhook routes of every source, writing to Kafka through one transactional publisher and answering
 * repeated deliveries from the dedup memory. Routes: {@code POST /webhooks/github}, {@code /webhooks/gitlab},
 * {@code /webhooks/jenkins}, {@code /events}.
 */
public final class IngestService implements ManagedService {

    private final IngestConfig config;
    private final MeterRegistry registry;
    private final Clock clock;
    private DeliveryPublisher publisher;
    private DeliveryLedger ledger;
    private ReceiptFollower follower;
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
        ledger = new DeliveryLedger(config.dedupWindow(), config.dedupMaxEntries(), clock::millis);
        follower = new ReceiptFollower(config.kafka(), ledger, config.dedupWindow(), config.instanceId());
        Gauge.builder(IngestMeters.DEDUP_ENTRIES, ledger, DeliveryLedger::size)
                .description("Delivery ids remembered to answer repeated deliveries 'duplicate'")
                .baseUnit("deliveries")
                .register(registry);
    }

    /** The sources, each on its route. */
    List<WebhookSource> sources() {
        return List.of(
                new GitHubSource(config.githubSecrets()),
                new GitLabSource(config.gitlabTokens()),
                new JenkinsSource(config.eventsTokens()),
                new CloudEventsSource(config.eventsTokens()));
    }

    @Override
    public void mount(Router router) {
        DeliveryAcceptor acceptor = new DeliveryAcceptor(publisher, ledger, config.kafka(), registry,
                config.kafkaTimeout().multipliedBy(3));
        RawBody body = new RawBody(config.maxBodyBytes(), config.bodyTimeout());
        sources().forEach(source -> WebhookRoute.mount(router, source, body, acceptor, clock));
    }

    @Override
    public Readiness readiness() {
        if (kafkaHealth == null || !kafkaHealth.reachable()) {
            return Readiness.notReady("Kafka is not reachable at " + config.kafka().bootstrapServers());
        }
        if (!ledger.isLoaded()) {
            return Readiness.notReady("loading the ids of deliveries accepted in the last " + config.dedupWindow());
        }
        return Readiness.ready("Kafka reachable; webhooks accepted");
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        if (follower != null) {
            follower.close();
        }
        if (kafkaHealth != null) {
            kafkaHealth.close();
        }
    }
}
