package dev.oversight.rollback.alert;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's runbook link, carried by every alert (Alertmanager's {@code runbook_url} annotation, a PagerDuty
 * link, a link in Slack, the webhook's {@code runbookUrl}). The URL may name what the alert is about:
 * {@code {reason}} (the first reason's code in lower case, as the Alertmanager label {@code reason}: {@code
 * self_approval}; a notice's own: {@code rollback_failed}), {@code {alertname}} ({@code UnreviewedDeploy}),
 * {@code {service}} and {@code {environment}}; each is filled in URL-encoded. Any other {@code {…}} is refused.
 *
 * @param template the URL as configured; null when none is
 */
public record Runbook(String template) {

    /** No runbook configured: alerts carry no link. */
    public static final Runbook NONE = new Runbook(null);

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final List<String> NAMES = List.of("reason", "alertname", "service", "environment");

    /**
     * Reads a runbook URL template, refusing with the reason what is not an http(s) URL once its placeholders are
     * filled in, or names a placeholder other than those documented.
     */
    public static Runbook parse(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!NAMES.contains(m.group(1))) {
                throw new IllegalArgumentException("{" + m.group(1) + "} is not a placeholder; use {reason}, "
                        + "{alertname}, {service} or {environment}");
            }
        }
        Map<String, String> sample = new LinkedHashMap<>();
        for (String name : NAMES) {
            sample.put(name, "x");
        }
        String filled = fill(text, sample);
        URI uri;
        try {
            uri = new URI(filled);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL");
        }
        return new Runbook(text);
    }

    /** The link for this alert, its placeholders filled in; empty when no runbook is configured. */
    public Optional<String> link(Alert alert) {
        if (template == null) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("reason", AlertText.reasonLabel(alert));
        values.put("alertname", AlertText.alertName(alert));
        values.put("service", alert.verdict().service());
        values.put("environment", alert.verdict().environment());
        return Optional.of(fill(template, values));
    }

    private static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.getOrDefault(m.group(1), "");
            m.appendReplacement(out, Matcher.quoteReplacement(
                    URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20")));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return template == null ? "-" : template;
    }
}
