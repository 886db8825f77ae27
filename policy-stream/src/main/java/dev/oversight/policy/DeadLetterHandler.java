package dev.oversight.policy;

import dev.oversight.events.DeadLetter;
import dev.oversight.events.json.Json;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input record that cannot be read, or whose processing throws, goes to {@code oversight.dlq} (under its
 * original key, with the error) and processing continues: one bad record never stops the verdicts of everyone
 * else. The dead letter is written in the same transaction as the task's other output.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    /** Config key: the dead-letter topic's name. */
    public static final String TOPIC_CONFIG = "oversight.dlq.topic";
    /** Config key: the {@link PolicyMeters} to count dead letters on. */
    public static final String METERS_CONFIG = "oversight.meters";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String topic = "oversight.dlq";

    /**
     * Sets Kafka Streams' properties so that this handler takes every record that cannot be read or processed, to the
     * topic given, counted on the meters given (policy-stream, and the what-if replay of its topology).
     */
    public static void install(Map<? super String, Object> props, String topic, PolicyMeters meters) {
        props.put(org.apache.kafka.streams.StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterHandler.class);
        props.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterHandler.class);
        props.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(TOPIC_CONFIG, topic);
        props.put(METERS_CONFIG, meters);
    }
    private PolicyMeters meters;

    @Override
    public void configure(Map<String, ?> configs) {
        Object name = configs.get(TOPIC_CONFIG);
        if (name != null) {
            topic = name.toString();
        }
        Object m = configs.get(METERS_CONFIG);
        if (m instanceof PolicyMeters policyMeters) {
            meters = policyMeters;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        return DeserializationExceptionHandler.Response.resume(deadLetter(context, "deserialize", record.key(), record.value(), exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        return ProcessingExceptionHandler.Response.resume(deadLetter(context, "process", context.sourceRawKey(),
                context.sourceRawValue(), exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, String stage, byte[] key,
                                                            byte[] value, Exception exception) {
        LOG.warn("Record {}-{}@{} could not be {}d and goes to {}: {}", context.topic(), context.partition(),
                context.offset(), stage, topic, exception.toString());
        if (meters != null) {
            meters.deadLetter("policy-stream-" + stage);
        }
        DeadLetter letter = new DeadLetter(DeadLetter.SCHEMA, "policy-stream/" + stage, context.topic(),
                context.partition(), context.offset(), key == null ? null : new String(key, StandardCharsets.UTF_8),
                text(value), exception.toString(), Instant.now());
        return List.of(new ProducerRecord<>(topic, key, Json.toBytes(letter)));
    }

    /** The value as text when it is UTF-8, otherwise base64. */
    static String text(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(value);
        }
    }
}
