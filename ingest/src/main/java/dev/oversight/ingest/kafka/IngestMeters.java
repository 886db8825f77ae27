package dev.oversight.ingest.kafka;

/** Names of ingest's meters, in one place. dashboards/README.md documents each. */
public final class IngestMeters {

    /** Timer: webhook requests, tagged source, event, outcome (accepted, duplicate, ignored, rejected, unavailable). */
    public static final String REQUESTS = "oversight.webhook.requests";
    /** Counter: rejected requests, tagged source and cause (signature, malformed, missing_header, content_type, too_large). */
    public static final String REJECTIONS = "oversight.webhook.rejections";
    /** Timer: from hand-over to Kafka until the delivery's transaction committed. */
    public static final String KAFKA_SEND = "oversight.ingest.kafka.send";
    /** Counter: evidence records written, tagged source and kind. */
    public static final String EVIDENCE = "oversight.ingest.evidence";

    private IngestMeters() {}
}
