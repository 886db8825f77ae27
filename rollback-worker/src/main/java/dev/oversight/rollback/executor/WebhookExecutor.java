package dev.oversight.rollback.executor;

import dev.oversight.policy.rules.RollbackTarget;

import dev.oversight.events.Action;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.alert.WebhookSink;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.rollback.delivery.Redact;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rolls back through a deployer of your own: {@code POST <services[].rollback.url>} with the rollback as JSON,
 * signed like every Oversight webhook ({@code X-Oversight-Signature-256}, HMAC-SHA256 of the body with
 * OVERSIGHT_ROLLBACK_WEBHOOK_SECRET) and carrying {@code Idempotency-Key}. Oversight cannot ask the deployer whether
 * a request it may have received was carried out, so it never sends one twice: a call cut off without an answer is
 * recorded as failed with an unknown outcome, and humans are told.
 */
public final class WebhookExecutor implements RollbackExecutor {

    private final String secret;
    private final HttpSender http;

    public WebhookExecutor(String secret, HttpSender http) {
        this.secret = secret;
        this.http = http;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public boolean repeatable() {
        return false;
    }

    @Override
    public Action.Request describe(RollbackJob job) {
        return new Action.Request("POST", Redact.url(((RollbackTarget.Webhook) job.settings()).url()), body(job));
    }

    @Override
    public Lookup lookup(RollbackJob job) {
        return Lookup.cannotTell("the deployer behind the webhook cannot be asked whether it received the request");
    }

    @Override
    public String execute(RollbackJob job) throws DeliveryException {
        String body = body(job);
        return http.send(HttpSender.Call.postJson(((RollbackTarget.Webhook) job.settings()).url(),
                WebhookSink.headers("rollback", job.verdict().verdictId(), job.actionId(), secret, body), body));
    }

    static String body(RollbackJob job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", 1);
        body.put("type", "rollback");
        body.putAll(job.facts());
        body.put("verdict", job.verdict());
        body.put("lastGood", job.target());
        return Json.toString(body);
    }
}
