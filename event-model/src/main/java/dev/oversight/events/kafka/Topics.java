package dev.oversight.events.kafka;

import dev.oversight.events.Action;
import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeadLetter;
import dev.oversight.events.DeliveryReceipt;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.LastGood;
import dev.oversight.events.PushEvent;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.Verdict;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalogue (the table in README.md, "Where verdicts and actions go"), with the default prefix
 * {@code oversight.}. Nothing else names a topic.
 * Evidence goes to the topic of its kind: {@link #forEvidence(Evidence)}.
 */
public final class Topics {

    public static final String DEFAULT_PREFIX = "oversight.";

    private static final Duration EVIDENCE_OF_RECORD = Duration.ofDays(400);
    private static final Duration INPUT = Duration.ofDays(90);
    /** Room for a 25 MiB webhook body (and the JSON escaping of the envelope it was written in until schema 2). */
    private static final int RAW_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final Serde<String> KEYS = Serdes.String();

    /** The value is the body as received, its attributes are record headers: see {@link RawDeliverySerde}. */
    public static final Topic<String, RawDelivery> RAW = new Topic<>(DEFAULT_PREFIX + "raw", "raw", KEYS,
            new RawDeliverySerde(), new Topic.Spec(false, EVIDENCE_OF_RECORD, RAW_MAX_MESSAGE_BYTES));
    public static final Topic<String, Evidence> REVIEWS = topic("reviews", Evidence.class, Topic.Spec.retained(INPUT));
    public static final Topic<String, Evidence> CI = topic("ci", Evidence.class, Topic.Spec.retained(INPUT));
    public static final Topic<String, Evidence> DEPLOYS = topic("deploys", Evidence.class, Topic.Spec.retained(INPUT));
    public static final Topic<String, Verdict> VERDICTS = topic("verdicts", Verdict.class,
            Topic.Spec.retained(EVIDENCE_OF_RECORD));
    public static final Topic<String, LastGood> LAST_GOOD = topic("last-good", LastGood.class,
            new Topic.Spec(true, null, 0));
    public static final Topic<String, Action> ACTIONS = topic("actions", Action.class,
            Topic.Spec.retained(EVIDENCE_OF_RECORD));
    public static final Topic<String, DeadLetter> DLQ = topic("dlq", DeadLetter.class,
            Topic.Spec.retained(Duration.ofDays(30)));
    /**
     * Ingest's memory of the deliveries it accepted (key {@code <source>:<delivery id>}), so a repeated delivery is
     * answered "duplicate" across restarts and instances. Every key is written once, so compaction would remove
     * nothing: time-based deletion is what keeps it small.
     */
    public static final Topic<String, DeliveryReceipt> INGEST_DEDUP = topic("ingest-dedup", DeliveryReceipt.class,
            Topic.Spec.retained(Duration.ofDays(7)));

    private Topics() {}

    private static <V> Topic<String, V> topic(String suffix, Class<V> type, Topic.Spec spec) {
        return new Topic<>(DEFAULT_PREFIX + suffix, suffix, KEYS, JsonSerde.of(type), spec);
    }

    /** Every topic Oversight creates on start. */
    public static List<Topic<String, ?>> all() {
        return List.of(RAW, REVIEWS, CI, DEPLOYS, VERDICTS, LAST_GOOD, ACTIONS, DLQ, INGEST_DEDUP);
    }

    /** The evidence topic a record belongs on: reviews (changes, reviews, pushes), ci (results, artifacts), deploys. */
    public static Topic<String, Evidence> forEvidence(Evidence evidence) {
        return evidence.accept(new Evidence.Visitor<>() {
            public Topic<String, Evidence> change(ChangeEvent e) { return REVIEWS; }

            public Topic<String, Evidence> review(ReviewEvent e) { return REVIEWS; }

            public Topic<String, Evidence> push(PushEvent e) { return REVIEWS; }

            public Topic<String, Evidence> ci(CiResult e) { return CI; }

            public Topic<String, Evidence> artifact(ArtifactEvent e) { return CI; }

            public Topic<String, Evidence> deploy(DeployEvent e) { return DEPLOYS; }
        });
    }
}
