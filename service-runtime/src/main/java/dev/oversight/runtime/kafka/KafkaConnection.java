package dev.oversight.runtime.kafka;

import dev.oversight.events.kafka.Topic;
import dev.oversight.runtime.config.ConfigKey;
import dev.oversight.runtime.config.ConfigReader;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How a service reaches Kafka: the bootstrap servers, the topic prefix, how topics are created, and any client
 * property passed through as {@code OVERSIGHT_KAFKA_<PROPERTY>} (for example
 * {@code OVERSIGHT_KAFKA_SECURITY_PROTOCOL=SASL_SSL}, {@code OVERSIGHT_KAFKA_SASL_JAAS_CONFIG_FILE=/run/secrets/jaas}).
 *
 * @param replication topic replication factor; 0 means min(3, number of brokers)
 */
public record KafkaConnection(
        String bootstrapServers,
        String topicPrefix,
        int partitions,
        int replication,
        Map<String, Object> clientProperties) {

    public static final String BOOTSTRAP = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String TOPIC_PREFIX = "OVERSIGHT_TOPIC_PREFIX";
    public static final String PARTITIONS = "OVERSIGHT_TOPIC_PARTITIONS";
    public static final String REPLICATION = "OVERSIGHT_TOPIC_REPLICATION";
    public static final String CLIENT_PREFIX = "OVERSIGHT_KAFKA_";

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(BOOTSTRAP, null, "Kafka cluster to use (host:port,…); `oversight up` embeds a broker when unset"),
            ConfigKey.of(TOPIC_PREFIX, "oversight.", "prefix of every topic name"),
            ConfigKey.of(PARTITIONS, "3", "partitions of the topics Oversight creates (the unit of scaling)"),
            ConfigKey.of(REPLICATION, "0", "replication factor of created topics; 0 = min(3, brokers)"),
            ConfigKey.of(CLIENT_PREFIX + "<PROPERTY>", null,
                    "any Kafka client property, e.g. OVERSIGHT_KAFKA_SECURITY_PROTOCOL=SASL_SSL (…_FILE reads a file)"));

    public KafkaConnection {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaConnection read(ConfigReader config, String bootstrapWhenUnset) {
        String bootstrap = bootstrapWhenUnset == null
                ? config.required(BOOTSTRAP, "the Kafka cluster's bootstrap servers, host:port[,host:port]")
                : config.string(BOOTSTRAP, bootstrapWhenUnset);
        String prefix = config.string(TOPIC_PREFIX, "oversight.");
        if (!prefix.matches("[a-zA-Z0-9._-]*")) {
            config.problem(TOPIC_PREFIX + " may hold only letters, digits, '.', '_' and '-', got '" + prefix + "'");
        }
        int partitions = config.integer(PARTITIONS, 3, 1, 1000);
        int replication = config.integer(REPLICATION, 0, 0, 32);
        Map<String, Object> client = new HashMap<>();
        config.settings().withPrefix(CLIENT_PREFIX).keySet().stream()
                .map(k -> k.endsWith("_FILE") ? k.substring(0, k.length() - "_FILE".length()) : k)
                .distinct()
                .forEach(k -> config.optional(k).ifPresent(v -> client.put(
                        k.substring(CLIENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v)));
        return new KafkaConnection(bootstrap, prefix, partitions, replication, client);
    }

    public static KafkaConnection local(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, "oversight.", 3, 0, Map.of());
    }

    public <K, V> Topic<K, V> topic(Topic<K, V> topic) {
        return topic.withPrefix(topicPrefix);
    }

    /** Properties every client gets: bootstrap servers and the pass-through ones. */
    public Map<String, Object> common(String clientId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
