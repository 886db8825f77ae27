package dev.oversight.ingest.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Argo CD's notifications controller sends for the recipe in {@code ingest/argocd/argocd-notifications-cm.yaml}:
 * the webhook service's headers (with {@code $oversight-events-token} taken from the notifications secret), the
 * template's path, and its body rendered for an Application.
 */
public final class ArgoCdNotification {

    /** The recipe, relative to the ingest module (the tests' working directory). */
    public static final Path RECIPE = Path.of("argocd", "argocd-notifications-cm.yaml");
    static final String TRIGGER = "trigger.on-deployed-oversight";
    static final String TEMPLATE = "oversight-service-deployed";
    static final String SERVICE = "service.webhook.oversight";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** @param path the path the template posts to; the service's URL is where Oversight runs */
    public record Request(String url, String path, Map<String, String> headers, byte[] body) {}

    private ArgoCdNotification() {}

    public static JsonNode recipe() throws IOException {
        return YAML.readTree(RECIPE.toFile()).get("data");
    }

    static JsonNode entry(String key) throws IOException {
        JsonNode value = recipe().get(key);
        if (value == null) {
            throw new IllegalStateException("the recipe has no " + key);
        }
        return YAML.readTree(value.asText());
    }

    public static JsonNode application(byte[] yaml) throws IOException {
        return YAML.readTree(yaml);
    }

    /** The request Argo CD makes when the trigger fires for this Application. */
    public static Request render(JsonNode application, String eventsToken) throws IOException {
        JsonNode service = entry(SERVICE);
        Map<String, String> headers = new LinkedHashMap<>();
        service.get("headers").forEach(h -> headers.put(h.get("name").asText(),
                h.get("value").asText().replace("$oversight-events-token", eventsToken)));
        JsonNode webhook = entry("template." + TEMPLATE).get("webhook").get("oversight");
        ObjectNode data = YAML.createObjectNode();
        data.set("app", application);
        data.set("context", entry("context"));
        String body = GoTemplate.render(webhook.get("body").asText(), data);
        return new Request(service.get("url").asText(), webhook.get("path").asText(), headers,
                body.getBytes(StandardCharsets.UTF_8));
    }
}
