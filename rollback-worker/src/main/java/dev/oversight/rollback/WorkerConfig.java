package dev.oversight.rollback;

import dev.oversight.policy.rules.Policy;
import dev.oversight.policy.rules.RollbackTarget;
import dev.oversight.rollback.alert.AlertLinks;
import dev.oversight.rollback.alert.Runbook;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.ledger.LedgerConfig;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.LedgerSettings;
import dev.oversight.runtime.config.Setting;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        KafkaConnection kafka,
        LedgerConfig ledger) {

    /**
     * The alert sinks; each one configured is used. Secrets are null when unset.
     *
     * @param links   the runbook and evidence-page links every alert carries ({@link AlertLinks#NONE} when unset)
     */
    public record Alerting(
            Optional<URI> webhookUrl,
            String webhookSecret,
            Optional<URI> alertmanagerUrl,
            Duration alertmanagerRefresh,
            String pagerDutyRoutingKey,
            URI pagerDutyUrl,
            int pagerDutyPerMinute,
            URI slackWebhookUrl,
            AlertLinks links) {

        @Override
        public String toString() {
            return "Alerting[webhook=" + webhookUrl.map(URI::getHost).orElse("-") + ", alertmanager="
                    + alertmanagerUrl.map(URI::getHost).orElse("-") + ", pagerduty="
                    + (pagerDutyRoutingKey == null ? "-" : pagerDutyUrl.getHost()) + ", slack="
                    + (slackWebhookUrl == null ? "-" : "set") + ", " + links + "]";
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

    public static final Setting<String> GROUP_ID = Setting.string("OVERSIGHT_WORKER_GROUP_ID",
            "oversight-rollback-worker", "consumer group of the workers");
    public static final Setting<Optional<URI>> ALERT_WEBHOOK_URL = Setting.url("OVERSIGHT_ALERT_WEBHOOK_URL",
            "receives every alert, resolution and notice as JSON");
    public static final Setting<Optional<String>> ALERT_WEBHOOK_SECRET = Setting.secret(
            "OVERSIGHT_ALERT_WEBHOOK_SECRET", "signs webhook alerts (X-Oversight-Signature-256, as GitHub signs)");
    public static final Setting<Optional<URI>> ALERTMANAGER_URL = Setting.url("OVERSIGHT_ALERTMANAGER_URL",
            "Alertmanager base URL; alerts go to its /api/v2/alerts");
    public static final Setting<Duration> ALERTMANAGER_REFRESH = positive("OVERSIGHT_ALERTMANAGER_REFRESH",
            Duration.ofMinutes(1),
            "how often open alerts are re-sent to Alertmanager; each lives 4 times this long unless re-sent");
    public static final Setting<Optional<String>> PAGERDUTY_ROUTING_KEY = Setting.secret(
            "OVERSIGHT_PAGERDUTY_ROUTING_KEY", "PagerDuty Events API v2 integration (routing) key; pages on-call");
    public static final Setting<URI> PAGERDUTY_URL = Setting.url("OVERSIGHT_PAGERDUTY_URL",
            URI.create("https://events.pagerduty.com"), "PagerDuty Events API base URL");
    public static final Setting<Integer> PAGERDUTY_MAX_PER_MINUTE = Setting.integer(
            "OVERSIGHT_PAGERDUTY_MAX_PER_MINUTE", 100, 1, 119,
            "events sent to PagerDuty per minute at most, per worker instance (PagerDuty allows 120)");
    /** A URL that is itself a credential: checked like any URL, but never repeated in a problem. */
    public static final Setting<Optional<URI>> SLACK_WEBHOOK_URL = Setting.url("OVERSIGHT_SLACK_WEBHOOK_URL",
            "Slack incoming webhook URL (it is a credential)").asSecret();
    /** A URL template: checked with its placeholders filled in; {@link Runbook#NONE} when unset. */
    public static final Setting<Runbook> RUNBOOK_URL = Setting.loaded("OVERSIGHT_RUNBOOK_URL", null,
            text -> text == null ? Runbook.NONE : Runbook.parse(text), IllegalArgumentException.class,
            e -> List.of(e.getMessage()),
            "runbook link in every alert; {reason}, {alertname}, {service}, {environment} are filled in");
    public static final Setting<Optional<String>> GITHUB_TOKEN = Setting.secret("OVERSIGHT_GITHUB_TOKEN",
            "GitHub token for the github rollback executor (deployments: write) and oversight backfill github (read)");
    public static final Setting<URI> GITHUB_API_URL = Setting.url("OVERSIGHT_GITHUB_API_URL",
            URI.create("https://api.github.com"), "GitHub REST API base (GitHub Enterprise: https://HOST/api/v3)");
    public static final Setting<Optional<URI>> ARGOCD_URL = Setting.url("OVERSIGHT_ARGOCD_URL",
            "Argo CD base URL for the argocd rollback executor");
    public static final Setting<Optional<String>> ARGOCD_TOKEN = Setting.secret("OVERSIGHT_ARGOCD_TOKEN",
            "Argo CD API token (sync permission on the applications)");
    public static final Setting<Optional<String>> ROLLBACK_WEBHOOK_SECRET = Setting.secret(
            "OVERSIGHT_ROLLBACK_WEBHOOK_SECRET", "signs the webhook rollback executor's requests");
    public static final Setting<Duration> COMMAND_TIMEOUT = positive("OVERSIGHT_COMMAND_TIMEOUT", Duration.ofMinutes(5),
            "longest a command rollback executor may run; then it is killed");
    public static final Setting<Integer> STORM_LIMIT = Setting.integer("OVERSIGHT_ROLLBACK_STORM_LIMIT", 3, 0, 1000,
            "rollbacks per service per hour at most; beyond, alert only");
    public static final Setting<Integer> BREAKER_FAILURES = Setting.integer("OVERSIGHT_ROLLBACK_BREAKER_FAILURES", 3, 1,
            1000, "failed rollbacks in a row that open an executor's circuit breaker");
    public static final Setting<Duration> BREAKER_COOLDOWN = positive("OVERSIGHT_ROLLBACK_BREAKER_COOLDOWN",
            Duration.ofMinutes(10), "how long an open circuit breaker waits before one trial rollback");
    public static final Setting<Duration> MAX_AGE = positive("OVERSIGHT_ROLLBACK_MAX_AGE", Duration.ofHours(24),
            "deploys older than this are never rolled back automatically");
    public static final Setting<Integer> RETRIES = Setting.integer("OVERSIGHT_WORKER_RETRIES", 4, 0, 20,
            "retries of a retriable failure before the action goes to the DLQ");
    public static final Setting<Duration> RETRY_BACKOFF = Setting.duration("OVERSIGHT_WORKER_RETRY_BACKOFF",
            Duration.ofSeconds(1), "wait before the first retry; doubles each retry, with jitter");
    public static final Setting<Duration> RETRY_MAX_BACKOFF = Setting.duration("OVERSIGHT_WORKER_RETRY_MAX_BACKOFF",
            Duration.ofSeconds(30), "longest wait between retries (also caps a Retry-After)");
    public static final Setting<Duration> HTTP_TIMEOUT = positive("OVERSIGHT_WORKER_HTTP_TIMEOUT",
            Duration.ofSeconds(10), "timeout of each call to an alert sink or executor");

    /**
     * rollback-worker's own keys; it also reads {@link CommonSettings#POLICY_FILE}, the HTTP ones and Kafka's.
     */
    public static final List<Setting<?>> KEYS = List.of(ALERT_WEBHOOK_URL, ALERT_WEBHOOK_SECRET, ALERTMANAGER_URL,
            ALERTMANAGER_REFRESH, PAGERDUTY_ROUTING_KEY, PAGERDUTY_URL, PAGERDUTY_MAX_PER_MINUTE, SLACK_WEBHOOK_URL,
            RUNBOOK_URL, GITHUB_TOKEN, GITHUB_API_URL, ARGOCD_URL, ARGOCD_TOKEN, ROLLBACK_WEBHOOK_SECRET, COMMAND_TIMEOUT,
            STORM_LIMIT, BREAKER_FAILURES, BREAKER_COOLDOWN, MAX_AGE, RETRIES, RETRY_BACKOFF, RETRY_MAX_BACKOFF,
            GROUP_ID, HTTP_TIMEOUT);

    /** Reads the worker's configuration alone (its own {@code main}), reporting every problem at once. */
    public static WorkerConfig read(Settings settings, String bootstrapWhenUnset) {
        return ConfigReader.read(settings, config -> read(config, bootstrapWhenUnset));
    }

    /** Reads the worker's configuration with a reader that may be shared; its owner reports the problems. */
    public static WorkerConfig read(ConfigReader config, String bootstrapWhenUnset) {
        Policy policy = config.get(CommonSettings.POLICY_FILE);
        Alerting alerting = new Alerting(
                config.get(ALERT_WEBHOOK_URL),
                config.get(ALERT_WEBHOOK_SECRET).orElse(null),
                config.get(ALERTMANAGER_URL),
                config.get(ALERTMANAGER_REFRESH),
                config.get(PAGERDUTY_ROUTING_KEY).orElse(null),
                config.get(PAGERDUTY_URL),
                config.get(PAGERDUTY_MAX_PER_MINUTE),
                config.get(SLACK_WEBHOOK_URL).orElse(null),
                new AlertLinks(config.get(RUNBOOK_URL), config.get(CommonSettings.PUBLIC_URL).orElse(null)));
        Rollbacks rollbacks = readRollbacks(config);
        Duration backoff = config.get(RETRY_BACKOFF);
        Duration maxBackoff = config.get(RETRY_MAX_BACKOFF);
        if (maxBackoff.compareTo(backoff) < 0) {
            config.problem(RETRY_MAX_BACKOFF.name() + " (" + maxBackoff + ") must not be shorter than "
                    + RETRY_BACKOFF.name() + " (" + backoff + ")");
        }
        Retries retries = new Retries(config.get(RETRIES), backoff, maxBackoff);
        Map<String, RollbackTarget> services = policy == null ? Map.of() : services(policy, rollbacks, config);
        return new WorkerConfig(
                config.get(GROUP_ID),
                alerting,
                rollbacks,
                retries,
                config.get(HTTP_TIMEOUT),
                policy,
                services,
                config.get(CommonSettings.HTTP_HOST),
                config.get(CommonSettings.HTTP_PORT),
                KafkaConnection.read(config, bootstrapWhenUnset),
                LedgerSettings.read(config));
    }

    /** The executors' credentials and the limits on rollbacks, alone: what {@code oversight policy check} asks. */
    public static Rollbacks readRollbacks(ConfigReader config) {
        return new Rollbacks(
                config.get(GITHUB_TOKEN).orElse(null),
                config.get(GITHUB_API_URL),
                config.get(ARGOCD_URL),
                config.get(ARGOCD_TOKEN).orElse(null),
                config.get(ROLLBACK_WEBHOOK_SECRET).orElse(null),
                config.get(COMMAND_TIMEOUT),
                config.get(STORM_LIMIT),
                config.get(BREAKER_FAILURES),
                config.get(BREAKER_COOLDOWN),
                config.get(MAX_AGE));
    }

    /** This configuration with another Kafka connection (the embedded broker's, once it has started). */
    public WorkerConfig withKafka(KafkaConnection kafka) {
        return new WorkerConfig(groupId, alerting, rollbacks, retries, httpTimeout, policy, services, httpHost,
                httpPort, kafka, ledger);
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
        executorProblems(policy, rollbacks).forEach(config::problem);
        return services;
    }

    /**
     * What the executors of the policy's services lack, one sentence per service naming the variable it needs;
     * nothing when no protected environment rolls back. A worker refuses to start with any of these;
     * {@code oversight policy check} warns of them.
     */
    public static List<String> executorProblems(Policy policy, Rollbacks rollbacks) {
        List<String> problems = new java.util.ArrayList<>();
        TreeSet<String> rollingBack = new TreeSet<>();
        policy.environments().forEach((name, env) -> {
            if (env.isProtected() && env.action().rollsBack()) {
                rollingBack.add(name);
            }
        });
        if (rollingBack.isEmpty()) {
            return problems;
        }
        String because = " (policy rolls back in " + String.join(", ", rollingBack) + ")";
        for (Policy.ServiceDef service : policy.services()) {
            RollbackTarget settings = service.rollback();
            String who = "policy services[" + service.name() + "] rolls back with executor " + settings.executor()
                    + ", ";
            if (settings instanceof RollbackTarget.GitHub && rollbacks.githubToken() == null) {
                problems.add(who + "which needs " + GITHUB_TOKEN + because);
            } else if (settings instanceof RollbackTarget.ArgoCd
                    && (rollbacks.argoCdUrl().isEmpty() || rollbacks.argoCdToken() == null)) {
                problems.add(who + "which needs " + ARGOCD_URL + " and " + ARGOCD_TOKEN + because);
            } else if (settings instanceof RollbackTarget.Webhook && rollbacks.webhookSecret() == null) {
                problems.add(who + "which needs " + ROLLBACK_WEBHOOK_SECRET + " to sign its requests" + because);
            } else if (settings instanceof RollbackTarget.Command command) {
                Path program = Path.of(command.argv().get(0));
                if (program.isAbsolute() && !Files.isExecutable(program)) {
                    problems.add(who + "whose program " + program + " is not an executable file");
                }
            }
        }
        return problems;
    }

    /** A duration that must be longer than zero. */
    private static Setting<Duration> positive(String name, Duration defaultValue, String doc) {
        return Setting.duration(name, defaultValue, Duration.ofMillis(1), null, doc);
    }

    @Override
    public String toString() {
        return "WorkerConfig[" + alerting + ", " + rollbacks + ", services=" + services.keySet() + ", kafka="
                + kafka.bootstrapServers() + "]";
    }
}
