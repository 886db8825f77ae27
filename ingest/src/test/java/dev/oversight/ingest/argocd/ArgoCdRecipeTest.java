package dev.oversight.ingest.argocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.Payloads;
import dev.oversight.ingest.cloudevents.CdEventsNormalizer;
import dev.oversight.ingest.cloudevents.CloudEvent;
import dev.oversight.ingest.cloudevents.CloudEventReader;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Argo CD notifications recipe renders, for a realistic Application, a CDEvent that Oversight reads as a deploy. */
class ArgoCdRecipeTest {

    static ArgoCdNotification.Request rendered() throws Exception {
        return ArgoCdNotification.render(ArgoCdNotification.application(Payloads.bytes("argocd/application.yaml")),
                "the-events-token");
    }

    @Test
    void theTriggerSendsTheTemplateOnceARevisionIsSyncedAndHealthy() throws Exception {
        JsonNode trigger = ArgoCdNotification.entry(ArgoCdNotification.TRIGGER).get(0);
        assertThat(trigger.get("send")).extracting(JsonNode::asText).containsExactly(ArgoCdNotification.TEMPLATE);
        assertThat(trigger.get("when").asText()).contains("operationState.phase in ['Succeeded']")
                .contains("health.status == 'Healthy'");
        assertThat(trigger.get("oncePer").asText()).isEqualTo("app.status.operationState?.syncResult?.revision");
    }

    @Test
    void rendersAStructuredCloudEventWithTheTokenAsBearer() throws Exception {
        ArgoCdNotification.Request request = rendered();
        assertThat(request.path()).isEqualTo("/events");
        assertThat(request.headers()).containsEntry("Content-Type", "application/cloudevents+json")
                .containsEntry("Authorization", "Bearer the-events-token");
        String body = new String(request.body(), StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("<no value>").doesNotContain("{{");
        JsonNode event = Json.mapper().readTree(body);
        String id = "3f6c1d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f:e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6:2026-11-20T10:15:30Z";
        assertThat(event.get("id").asText()).isEqualTo(id);
        assertThat(event.at("/data/context/id").asText()).isEqualTo(id);
        assertThat(event.get("source").asText()).isEqualTo("https://argocd.example.com/applications/payments");
    }

    @Test
    void oversightReadsItAsTheDeployOfTheSyncedCommit() throws Exception {
        ArgoCdNotification.Request request = rendered();
        CloudEvent event = CloudEventReader.read(CloudEventReader.STRUCTURED, MultiMap.caseInsensitiveMultiMap(),
                request.body()).get(0);
        Normalized.Accepted accepted = (Normalized.Accepted) CdEventsNormalizer.normalize(event, Instant.EPOCH);
        DeployEvent deploy = (DeployEvent) accepted.evidence().get(0);
        assertThat(deploy.repository()).isEqualTo("github:acme/payments");
        assertThat(deploy.sha()).isEqualTo("e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6");
        assertThat(deploy.environment()).isEqualTo("production");
        assertThat(deploy.service()).isEqualTo("payments");
        assertThat(deploy.state()).isEqualTo(DeployEvent.DeployState.SUCCEEDED);
        assertThat(deploy.artifactId()).isEqualTo("pkg:generic/payments@e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6");
        assertThat(deploy.url()).isEqualTo("https://argocd.example.com/applications/payments");
        assertThat(deploy.occurredAt()).isEqualTo(Instant.parse("2026-11-20T10:15:30Z"));
    }

    @Test
    void theRendererRefusesWhatItDoesNotUnderstand() {
        JsonNode data = Json.mapper().createObjectNode().set("app", Json.mapper().createObjectNode().put("name", "x"));
        assertThat(GoTemplate.render("{{.app.name}}/{{ .app.missing }}", data)).isEqualTo("x/<no value>");
        assertThatThrownBy(() -> GoTemplate.render("{{ toJson .app }}", data)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoTemplate.render("{{.app.missing.deeper}}", data))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoTemplate.render("{{.app}}", data)).isInstanceOf(IllegalArgumentException.class);
    }
}
