package dev.oversight.events;

import java.time.Instant;

/**
 * A record that could not be processed, on {@code oversight.dlq} under its original key, with the error.
 *
 * @param value the original value as text (UTF-8), or base64 when it is not text
 */
public record DeadLetter(
        int schema,
        String stage,
        String topic,
        int partition,
        long offset,
        String key,
        String value,
        String error,
        Instant at) {

    public static final int SCHEMA = 1;
}
