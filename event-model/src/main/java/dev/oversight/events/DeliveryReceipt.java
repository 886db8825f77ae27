package dev.oversight.events;

import java.time.Instant;

/**
 * That ingest accepted a delivery, on {@code oversight.ingest-dedup}, keyed {@code <source>:<delivery id>}. Written in
 * the same transaction as the delivery's raw record and evidence, so a receipt exists exactly when the delivery was
 * committed; every ingest instance reads these to answer a repeated delivery "duplicate".
 *
 * @param repository the key of the delivery's records on {@code oversight.raw}
 */
public record DeliveryReceipt(
        int schema,
        Source source,
        String deliveryId,
        String repository,
        Instant receivedAt) {

    public static final int SCHEMA = 1;
}
