package dev.oversight.rollback;

import dev.oversight.rollback.alert.AlertSink;
import dev.oversight.rollback.alert.AlertmanagerSink;
import dev.oversight.rollback.alert.PagerDutySink;
import dev.oversight.rollback.alert.AlertLinks;
import dev.oversight.rollback.alert.SlackSink;
import dev.oversight.rollback.alert.WebhookSink;
import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.rollback.delivery.RateLimiter;
import dev.oversight.rollback.delivery.Sleeper;
import dev.oversight.rollback.executor.ArgoCdExecutor;
import dev.oversight.rollback.executor.CommandExecutor;
import dev.oversight.rollback.executor.GitHubExecutor;
import dev.oversight.rollback.executor.RollbackExecutor;
import dev.oversight.rollback.executor.WebhookExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The alert sinks and rollback executors the configuration sets: each one configured is used. */
public final class Sinks {

    /** An Alertmanager alert lives this many refresh intervals unless it is re-sent. */
    static final int ALERTMANAGER_TTL_REFRESHES = 4;

    private Sinks() {}

    public static List<AlertSink> from(WorkerConfig config, Clock clock) {
        HttpSender http = new HttpSender(config.httpTimeout());
        WorkerConfig.Alerting alerting = config.alerting();
        AlertLinks links = alerting.links();
        List<AlertSink> sinks = new ArrayList<>();
        alerting.alertmanagerUrl().ifPresent(url -> sinks.add(new AlertmanagerSink(url, http, clock,
                alerting.alertmanagerRefresh().multipliedBy(ALERTMANAGER_TTL_REFRESHES), links)));
        if (alerting.pagerDutyRoutingKey() != null) {
            sinks.add(new PagerDutySink(alerting.pagerDutyUrl(), alerting.pagerDutyRoutingKey(), http,
                    new RateLimiter(alerting.pagerDutyPerMinute(), Duration.ofMinutes(1), clock, Sleeper.SYSTEM),
                    links));
        }
        if (alerting.slackWebhookUrl() != null) {
            sinks.add(new SlackSink(alerting.slackWebhookUrl(), http, links));
        }
        alerting.webhookUrl().ifPresent(url -> sinks.add(new WebhookSink(url, alerting.webhookSecret(), http,
                links)));
        return sinks;
    }

    /** The executors that can run with this configuration, by name. */
    public static Map<String, RollbackExecutor> executors(WorkerConfig config) {
        HttpSender http = new HttpSender(config.httpTimeout());
        WorkerConfig.Rollbacks rollbacks = config.rollbacks();
        Map<String, RollbackExecutor> executors = new LinkedHashMap<>();
        if (rollbacks.githubToken() != null) {
            executors.put("github", new GitHubExecutor(rollbacks.githubApiUrl(), rollbacks.githubToken(), http));
        }
        if (rollbacks.argoCdUrl().isPresent() && rollbacks.argoCdToken() != null) {
            executors.put("argocd", new ArgoCdExecutor(rollbacks.argoCdUrl().get(), rollbacks.argoCdToken(), http));
        }
        if (rollbacks.webhookSecret() != null) {
            executors.put("webhook", new WebhookExecutor(rollbacks.webhookSecret(), http));
        }
        executors.put("command", new CommandExecutor(rollbacks.commandTimeout()));
        return executors;
    }
}
