package dev.oversight.ingest.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One CloudEvent as received, in whichever HTTP mode.
 *
 * @param data the event's data (for a CDEvent: {@code context}, {@code subject}, {@code customData})
 * @param raw  the event exactly as it arrived: the body in binary and structured mode, the event's own bytes
 *             within a batch
 */
public record CloudEvent(String specversion, String id, String source, String type, String time, JsonNode data,
                         byte[] raw) {}
