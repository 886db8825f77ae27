package dev.oversight.rollback;

import dev.oversight.rollback.alert.AlertSink;
import dev.oversight.rollback.alert.AlertmanagerSink;
import dev.oversight.rollback.alert.HttpSender;
import dev.oversight.rollback.alert.WebhookSink;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The alert sinks the configuration sets: each one configured is used. */
public final class Sinks {

    private Sinks() {}

    public static List<AlertSink> from(WorkerConfig config, Clock clock) {
        HttpSender http = new HttpSender(config.httpTimeout());
        List<AlertSink> sinks = new ArrayList<>();
        config.alertmanagerUrl().ifPresent(url -> sinks.add(new AlertmanagerSink(url, http, clock)));
        config.alertWebhookUrl().ifPresent(url -> sinks.add(new WebhookSink(url, config.alertWebhookSecret(), http)));
        return sinks;
    }
}
