package dev.oversight.events.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oversight.events.json.Json;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one serde factory, for any record type: {@link #of} writes JSON through {@link Json} (every topic of the
 * contract); {@link #compact} writes the same records in the compact binary mapping, for internal state that no
 * one else reads. A null value is a tombstone.
 */
public final class JsonSerde<T> implements Serde<T> {

    private final Class<T> type;
    private final ObjectMapper mapper;

    private JsonSerde(Class<T> type, ObjectMapper mapper) {
        this.type = type;
        this.mapper = mapper;
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type, Json.mapper());
    }

    /** For state stores: Smile with numeric times, several times cheaper than text JSON. Never for a topic. */
    public static <T> JsonSerde<T> compact(Class<T> type) {
        return new JsonSerde<>(type, Json.compactMapper());
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return mapper.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName() + " for " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return mapper.readValue(bytes, type);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SerializationException(
                        "cannot read " + type.getSimpleName() + " from " + topic + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic, e);
            }
        };
    }
}
