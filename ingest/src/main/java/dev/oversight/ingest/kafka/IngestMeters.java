package dev.oversight.ingest.kafka;

/** Names of ingest's meters, in one place. The module README documents each. */
public final class IngestMeters {

    /**
     * Timer: webhook requests, tagged source, event (a fixed set per source, else {@code other}) and outcome
     * (accepted, duplicate, ignored, rejected, unavailable).
     */
    public static final String REQUESTS = "oversight.webhook.requests";
    /**
     * Counter: rejected requests, tagged source and cause (signature, token, malformed, missing_header,
     * content_type, too_large, timeout, id_mismatch, error).
     */
    public static final String REJECTIONS = "oversight.webhook.rejections";
    /** Counter: deliveries answered "duplicate" (already accepted), tagged source. */
    public static final String DEDUP_HITS = "oversight.ingest.dedup.hits";
    /** Gauge: delivery ids remembered to recognize repeated deliveries (bounded by OVERSIGHT_INGEST_DEDUP_MAX). */
    public static final String DEDUP_ENTRIES = "oversight.ingest.dedup.entries";
    /** Timer: from hand-over to Kafka until the delivery's transaction committed. */
    public static final String KAFKA_SEND = "oversight.ingest.kafka.send";
    /** Counter: evidence records written, tagged source and kind. */
    public static final String EVIDENCE = "oversight.ingest.evidence";

    private IngestMeters() {}
}
