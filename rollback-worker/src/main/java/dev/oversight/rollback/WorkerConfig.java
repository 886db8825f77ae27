package dev.oversight.rollback;

import dev.oversight.policy.file.PolicyException;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import dev.oversight.policy.rules.RollbackTarget;
import dev.oversight.runtime.config.ConfigKey;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * rollback-worker's configuration: where alerts go, how rollbacks are made and bounded, retries, the policy (with
 * each service's rollback settings, checked here) and Kafka. Every problem is reported at once, at start.
 *
 * @param services each policy service's rollback settings, by service name
 */
public record WorkerConfig(
        String groupId,
        Alerting alerting,
        Rollbacks rollbacks,
        Retries retries,
        Duration httpTimeout,
        Policy policy,
        Map<String, RollbackTarget> services,
        String httpHost,
        int httpPort,
        KafkaConnection kafka) {

    /** The alert sinks; each one configured is used. Secrets are null when unset. */
    public record Alerting(
            Optional<URI> webhookUrl,
            String webhookSecret,
            Optional<URI> alertmanagerUrl,
            Duration alertmanagerRefresh,
            String pagerDutyRoutingKey,
            URI pagerDutyUrl,
            int pagerDutyPerMinute,
            URI slackWebhookUrl) {

        @Override
        public String toString() {
            return "Alerting[webhook=" + webhookUrl.map(URI::getHost).orElse("-") + ", alertmanager="
                    + alertmanagerUrl.map(URI::getHost).orElse("-") + ", pagerduty="
                    + (pagerDutyRoutingKey == null ? "-" : pagerDutyUrl.getHost()) + ", slack="
                    + (slackWebhookUrl == null ? "-" : "set") + "]";
        }
    }

    /** The executors' credentials and the limits on rollbacks. */
    public record Rollbacks(
            String githubToken,
            URI githubApiUrl,
            Optional<URI> argoCdUrl,
            String argoCdToken,
            String webhookSecret,
            Duration commandTimeout,
            int stormLimit,
            int breakerFailures,
            Duration breakerCoolDown,
            Duration maxAge) {

        @Override
        public String toString() {
            return "Rollbacks[github=" + (githubToken == null ? "-" : githubApiUrl.getHost()) + ", argocd="
                    + argoCdUrl.map(URI::getHost).orElse("-") + ", stormLimit=" + stormLimit + ", breaker="
                    + breakerFailures + "/" + breakerCoolDown + ", maxAge=" + maxAge + "]";
        }
    }

    /** Bounded retries of a retriable failure, with exponential backoff and jitter. */
    public record Retries(int retries, Duration backoff, Duration maxBackoff) {}

    public static final String GROUP_ID = "OVERSIGHT_WORKER_GROUP_ID";
    public static final String ALERT_WEBHOOK_URL = "OVERSIGHT_ALERT_WEBHOOK_URL";
    public static final String ALERT_WEBHOOK_SECRET = "OVERSIGHT_ALERT_WEBHOOK_SECRET";
    public static final String ALERTMANAGER_URL = "OVERSIGHT_ALERTMANAGER_URL";
    public static final String ALERTMANAGER_REFRESH = "OVERSIGHT_ALERTMANAGER_REFRESH";
    public static final String PAGERDUTY_ROUTING_KEY = "OVERSIGHT_PAGERDUTY_ROUTING_KEY";
    public static final String PAGERDUTY_URL = "OVERSIGHT_PAGERDUTY_URL";
    public static final String PAGERDUTY_MAX_PER_MINUTE = "OVERSIGHT_PAGERDUTY_MAX_PER_MINUTE";
    public static final String SLACK_WEBHOOK_URL = "OVERSIGHT_SLACK_WEBHOOK_URL";
    public static final String GITHUB_TOKEN = "OVERSIGHT_GITHUB_TOKEN";
    public static final String GITHUB_API_URL = "OVERSIGHT_GITHUB_API_URL";
    public static final String ARGOCD_URL = "OVERSIGHT_ARGOCD_URL";
    public static final String ARGOCD_TOKEN = "OVERSIGHT_ARGOCD_TOKEN";
    public static final String ROLLBACK_WEBHOOK_SECRET = "OVERSIGHT_ROLLBACK_WEBHOOK_SECRET";
    public static final String COMMAND_TIMEOUT = "OVERSIGHT_COMMAND_TIMEOUT";
    public static final String STORM_LIMIT = "OVERSIGHT_ROLLBACK_STORM_LIMIT";
    public static final String BREAKER_FAILURES = "OVERSIGHT_ROLLBACK_BREAKER_FAILURES";
    public static final String BREAKER_COOLDOWN = "OVERSIGHT_ROLLBACK_BREAKER_COOLDOWN";
    public static final String MAX_AGE = "OVERSIGHT_ROLLBACK_MAX_AGE";
    public static final String RETRIES = "OVERSIGHT_WORKER_RETRIES";
    public static final String RETRY_BACKOFF = "OVERSIGHT_WORKER_RETRY_BACKOFF";
    public static final String RETRY_MAX_BACKOFF = "OVERSIGHT_WORKER_RETRY_MAX_BACKOFF";
    public static final String HTTP_TIMEOUT = "OVERSIGHT_WORKER_HTTP_TIMEOUT";
    public static final String POLICY_FILE = "OVERSIGHT_POLICY_FILE";

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(ALERT_WEBHOOK_URL, null, "receives every alert, resolution and notice as JSON"),
            ConfigKey.secret(ALERT_WEBHOOK_SECRET, "signs webhook alerts (X-Oversight-Signature-256, as GitHub signs)"),
            ConfigKey.of(ALERTMANAGER_URL, null, "Alertmanager base URL; alerts go to its /api/v2/alerts"),
            ConfigKey.of(ALERTMANAGER_REFRESH, "1m",
                    "how often open alerts are re-sent to Alertmanager; each lives 4 times this long unless re-sent"),
            ConfigKey.secret(PAGERDUTY_ROUTING_KEY, "PagerDuty Events API v2 integration (routing) key; pages on-call"),
            ConfigKey.of(PAGERDUTY_URL, "https://events.pagerduty.com", "PagerDuty Events API base URL"),
            ConfigKey.of(PAGERDUTY_MAX_PER_MINUTE, "100",
                    "events sent to PagerDuty per minute at most, per worker instance (PagerDuty allows 120)"),
            ConfigKey.secret(SLACK_WEBHOOK_URL, "Slack incoming webhook URL (it is a credential)"),
            ConfigKey.secret(GITHUB_TOKEN, "GitHub token for the github rollback executor (deployments: write)"),
            ConfigKey.of(GITHUB_API_URL, "https://api.github.com", "GitHub REST API base (GitHub Enterprise: https://HOST/api/v3)"),
            ConfigKey.of(ARGOCD_URL, null, "Argo CD base URL for the argocd rollback executor"),
            ConfigKey.secret(ARGOCD_TOKEN, "Argo CD API token (sync permission on the applications)"),
            ConfigKey.secret(ROLLBACK_WEBHOOK_SECRET, "signs the webhook rollback executor's requests"),
            ConfigKey.of(COMMAND_TIMEOUT, "5m", "longest a command rollback executor may run; then it is killed"),
            ConfigKey.of(STORM_LIMIT, "3", "rollbacks per service per hour at most; beyond, alert only"),
            ConfigKey.of(BREAKER_FAILURES, "3", "failed rollbacks in a row that open an executor's circuit breaker"),
            ConfigKey.of(BREAKER_COOLDOWN, "10m", "how long an open circuit breaker waits before one trial rollback"),
            ConfigKey.of(MAX_AGE, "24h", "deploys older than this are never rolled back automatically"),
            ConfigKey.of(RETRIES, "4", "retries of a retriable failure before the action goes to the DLQ"),
            ConfigKey.of(RETRY_BACKOFF, "1s", "wait before the first retry; doubles each retry, with jitter"),
            ConfigKey.of(RETRY_MAX_BACKOFF, "30s", "longest wait between retries (also caps a Retry-After)"),
            ConfigKey.of(GROUP_ID, "oversight-rollback-worker", "consumer group of the workers"),
            ConfigKey.of(HTTP_TIMEOUT, "10s", "timeout of each call to an alert sink or executor"));

    public static WorkerConfig read(Settings settings, String bootstrapWhenUnset) {
        ConfigReader config = new ConfigReader(settings);
        Policy policy = config.read(POLICY_FILE, PolicyFile::loadOrDefault, PolicyException.class, PolicyException::problems);
        Alerting alerting = new Alerting(
                config.url(ALERT_WEBHOOK_URL),
                config.optional(ALERT_WEBHOOK_SECRET).orElse(null),
                config.url(ALERTMANAGER_URL),
                positive(config, ALERTMANAGER_REFRESH, Duration.ofMinutes(1)),
                config.optional(PAGERDUTY_ROUTING_KEY).orElse(null),
                config.url(PAGERDUTY_URL).orElse(URI.create("https://events.pagerduty.com")),
                config.integer(PAGERDUTY_MAX_PER_MINUTE, 100, 1, 119),
                secretUrl(config, SLACK_WEBHOOK_URL));
        Rollbacks rollbacks = new Rollbacks(
                config.optional(GITHUB_TOKEN).orElse(null),
                config.url(GITHUB_API_URL).orElse(URI.create("https://api.github.com")),
                config.url(ARGOCD_URL),
                config.optional(ARGOCD_TOKEN).orElse(null),
                config.optional(ROLLBACK_WEBHOOK_SECRET).orElse(null),
                positive(config, COMMAND_TIMEOUT, Duration.ofMinutes(5)),
                config.integer(STORM_LIMIT, 3, 0, 1000),
                config.integer(BREAKER_FAILURES, 3, 1, 1000),
                positive(config, BREAKER_COOLDOWN, Duration.ofMinutes(10)),
                positive(config, MAX_AGE, Duration.ofHours(24)));
        Duration backoff = config.duration(RETRY_BACKOFF, Duration.ofSeconds(1));
        Duration maxBackoff = config.duration(RETRY_MAX_BACKOFF, Duration.ofSeconds(30));
        if (maxBackoff.compareTo(backoff) < 0) {
            config.problem(RETRY_MAX_BACKOFF + " (" + maxBackoff + ") must not be shorter than " + RETRY_BACKOFF
                    + " (" + backoff + ")");
        }
        Retries retries = new Retries(config.integer(RETRIES, 4, 0, 20), backoff, maxBackoff);
        Map<String, RollbackTarget> services = policy == null ? Map.of() : services(policy, rollbacks, config);
        WorkerConfig result = new WorkerConfig(
                config.string(GROUP_ID, "oversight-rollback-worker"),
                alerting,
                rollbacks,
                retries,
                positive(config, HTTP_TIMEOUT, Duration.ofSeconds(10)),
                policy,
                services,
                config.string("OVERSIGHT_HTTP_HOST", "0.0.0.0"),
                config.port("OVERSIGHT_HTTP_PORT", 8080),
                KafkaConnection.read(config, bootstrapWhenUnset));
        config.done();
        return result;
    }

    /** The rollback settings of a service; a service policy does not name is never rolled back. */
    public RollbackTarget rollbackOf(String service) {
        return services.getOrDefault(service, new RollbackTarget.None());
    }

    /**
     * Reads every service's rollback settings and, where some protected environment rolls back, checks that the
     * executors they name have what they need.
     */
    private static Map<String, RollbackTarget> services(Policy policy, Rollbacks rollbacks, ConfigReader config) {
        Map<String, RollbackTarget> services = new LinkedHashMap<>();
        for (Policy.ServiceDef service : policy.services()) {
            services.put(service.name(), service.rollback());
        }
        TreeSet<String> rollingBack = new TreeSet<>();
        policy.environments().forEach((name, env) -> {
            if (env.isProtected() && env.action().rollsBack()) {
                rollingBack.add(name);
            }
        });
        if (rollingBack.isEmpty()) {
            return services;
        }
        String because = " (policy rolls back in " + String.join(", ", rollingBack) + ")";
        services.forEach((name, settings) -> {
            String who = "policy services[" + name + "] rolls back with executor " + settings.executor() + ", ";
            if (settings instanceof RollbackTarget.GitHub && rollbacks.githubToken() == null) {
                config.problem(who + "which needs " + GITHUB_TOKEN + because);
            } else if (settings instanceof RollbackTarget.ArgoCd
                    && (rollbacks.argoCdUrl().isEmpty() || rollbacks.argoCdToken() == null)) {
                config.problem(who + "which needs " + ARGOCD_URL + " and " + ARGOCD_TOKEN + because);
            } else if (settings instanceof RollbackTarget.Webhook && rollbacks.webhookSecret() == null) {
                config.problem(who + "which needs " + ROLLBACK_WEBHOOK_SECRET + " to sign its requests" + because);
            } else if (settings instanceof RollbackTarget.Command command) {
                Path program = Path.of(command.argv().get(0));
                if (program.isAbsolute() && !Files.isExecutable(program)) {
                    config.problem(who + "whose program " + program + " is not an executable file");
                }
            }
        });
        return services;
    }

    private static Duration positive(ConfigReader config, String key, Duration defaultValue) {
        Duration value = config.duration(key, defaultValue);
        if (value.isZero() || value.isNegative()) {
            config.problem(key + " must be longer than zero, got " + value);
            return defaultValue;
        }
        return value;
    }

    /** A URL that is itself a credential: checked like any URL, but never repeated in a problem. */
    private static URI secretUrl(ConfigReader config, String key) {
        Optional<String> value = config.optional(key);
        if (value.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(value.get());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        config.problem(key + " must be an http:// or https:// URL (its value is a secret and is not shown)");
        return null;
    }

    @Override
    public String toString() {
        return "WorkerConfig[" + alerting + ", " + rollbacks + ", services=" + services.keySet() + ", kafka="
                + kafka.bootstrapServers() + "]";
    }
}
