package dev.oversight.runtime.kafka;

import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics of the catalogue that do not exist yet; leaves existing ones exactly as they are. */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {}

    /** @return the names of the topics it created */
    public static List<String> ensure(KafkaConnection kafka, Duration timeout) {
        try (Admin admin = Admin.create(kafka.common("oversight-topics"))) {
            return ensure(admin, kafka, Topics.all(), timeout);
        }
    }

    public static List<String> ensure(Admin admin, KafkaConnection kafka, List<Topic<String, ?>> catalogue, Duration timeout) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            short replication = (short) (kafka.replication() > 0 ? kafka.replication() : Math.min(3, Math.max(1, brokers)));
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<String, ?> topic : catalogue) {
                String name = kafka.topic(topic).name();
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, kafka.partitions(), replication).configs(configs(topic.spec())));
                }
            }
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            if (!created.isEmpty()) {
                LOG.info("Created topics {} ({} partitions, replication {})", created, kafka.partitions(), replication);
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create Oversight's topics on " + kafka.bootstrapServers() + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    static Map<String, String> configs(Topic.Spec spec) {
        Map<String, String> configs = new HashMap<>();
        if (spec.compacted()) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (spec.retention() != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(spec.retention().toMillis()));
        }
        if (spec.maxMessageBytes() > 0) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(spec.maxMessageBytes()));
        }
        return configs;
    }
}
