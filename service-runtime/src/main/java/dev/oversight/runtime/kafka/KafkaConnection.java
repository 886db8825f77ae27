package dev.oversight.runtime.kafka;

import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

    public static final Setting<Optional<String>> BOOTSTRAP = Setting.optional("KAFKA_BOOTSTRAP_SERVERS",
            "Kafka cluster to use (host:port,…); `oversight up` embeds a broker when unset");
    public static final Setting<String> TOPIC_PREFIX = Setting.string("OVERSIGHT_TOPIC_PREFIX", Topics.DEFAULT_PREFIX,
            "prefix of every topic name");
    public static final Setting<Integer> PARTITIONS = Setting.integer("OVERSIGHT_TOPIC_PARTITIONS", 3, 1, 1000,
            "partitions of the topics Oversight creates (the unit of scaling)");
    public static final Setting<Integer> REPLICATION = Setting.integer("OVERSIGHT_TOPIC_REPLICATION", 0, 0, 32,
            "replication factor of created topics; 0 = min(3, brokers)");
    public static final Setting<Map<String, String>> CLIENT = Setting.prefixed("OVERSIGHT_KAFKA_",
            "any Kafka client property, e.g. OVERSIGHT_KAFKA_SECURITY_PROTOCOL=SASL_SSL (…_FILE reads a file)");

    public static final List<Setting<?>> KEYS = List.of(BOOTSTRAP, TOPIC_PREFIX, PARTITIONS, REPLICATION, CLIENT);

    public KafkaConnection {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** @param bootstrapWhenUnset the servers when {@link #BOOTSTRAP} is unset; null when it must be set */
    public static KafkaConnection read(ConfigReader config, String bootstrapWhenUnset) {
        String bootstrap = bootstrapWhenUnset == null
                ? config.required(BOOTSTRAP, "the Kafka cluster's bootstrap servers, host:port[,host:port]")
                : config.get(BOOTSTRAP).orElse(bootstrapWhenUnset);
        String prefix = config.get(TOPIC_PREFIX);
        if (!prefix.matches("[a-zA-Z0-9._-]*")) {
            config.problem(TOPIC_PREFIX.name() + " may hold only letters, digits, '.', '_' and '-', got '"
                    + prefix + "'");
        }
        Map<String, Object> client = new HashMap<>();
        config.get(CLIENT).forEach((property, value) ->
                client.put(property.toLowerCase(Locale.ROOT).replace('_', '.'), value));
        return new KafkaConnection(bootstrap, prefix, config.get(PARTITIONS), config.get(REPLICATION), client);
    }

    /** A local cluster with every other setting at its default. */
    public static KafkaConnection local(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, TOPIC_PREFIX.defaultValue(), PARTITIONS.defaultValue(),
                REPLICATION.defaultValue(), Map.of());
    }

    /** The same connection to other servers (the embedded broker, once it has started). */
    public KafkaConnection withBootstrapServers(String servers) {
        return new KafkaConnection(servers, topicPrefix, partitions, replication, clientProperties);
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
