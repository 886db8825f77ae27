package dev.oversight.events.kafka;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic and how to read and write it. Names are declared once, in {@link Topics}; a deployment's prefix
 * (OVERSIGHT_TOPIC_PREFIX) is applied with {@link #withPrefix(String)}.
 *
 * @param name the full topic name, {@code oversight.verdicts} by default
 */
public record Topic<K, V>(String name, String suffix, Serde<K> keySerde, Serde<V> valueSerde, Spec spec) {

    /** How the topic is created when Oversight creates it. */
    public record Spec(boolean compacted, Duration retention, int maxMessageBytes) {

        public static Spec retained(Duration retention) {
            return new Spec(false, retention, 0);
        }
    }

    public Topic<K, V> withPrefix(String prefix) {
        return new Topic<>(prefix + suffix, suffix, keySerde, valueSerde, spec);
    }
}
