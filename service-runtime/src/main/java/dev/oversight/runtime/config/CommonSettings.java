package dev.oversight.runtime.config;

import dev.oversight.policy.file.PolicyException;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The settings several services read, declared once; the Kafka ones are {@code KafkaConnection}'s. */
public final class CommonSettings {

    public static final Setting<String> HTTP_HOST = Setting.string("OVERSIGHT_HTTP_HOST", "0.0.0.0",
            "address the HTTP server binds to");
    public static final Setting<Integer> HTTP_PORT = Setting.port("OVERSIGHT_HTTP_PORT", 8080,
            "port of webhooks, /metrics and /health (in `oversight up`, the one port of every service)");
    public static final Setting<Path> DATA_DIR = Setting.path("OVERSIGHT_DATA_DIR", Path.of("./data"),
            "embedded broker (kafka/) and Kafka Streams state (streams/)");
    /** policy-stream's and rollback-worker's: every problem of the file is reported as {@code KEY (file): problem}. */
    public static final Setting<Policy> POLICY_FILE = Setting.loaded("OVERSIGHT_POLICY_FILE", "built-in default policy",
            PolicyFile::loadOrDefault, PolicyException.class, PolicyException::problems,
            "the policy YAML (see policy-stream/README.md)");
    /** Where users reach Oversight's report pages; alerts link to each deploy's evidence page under it. */
    public static final Setting<Optional<URI>> PUBLIC_URL = Setting.url("OVERSIGHT_PUBLIC_URL",
            "the address users reach Oversight's report pages at (https://oversight.example.com); every alert then"
                    + " links to the deploy's evidence page under it");
    /** Read by {@code log4j2.xml}, from the environment only. */
    public static final Setting<String> LOG_LEVEL = Setting.string("OVERSIGHT_LOG_LEVEL", "INFO",
            "log level of Oversight's own messages (environment only)");

    public static final List<Setting<?>> KEYS = List.of(HTTP_HOST, HTTP_PORT, DATA_DIR, POLICY_FILE, PUBLIC_URL, LOG_LEVEL);

    private CommonSettings() {}
}
