package dev.oversight.ingest.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Payloads;
import dev.oversight.ingest.http.Rejection;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudEventReaderTest {

    private static final byte[] DEPLOYED = Payloads.bytes("cdevents/v0.5.1/service_deployed.json");
    private static final String ID = "271069a8-fc18-44f1-b38f-9d70a1695819";

    private static MultiMap binaryHeaders() {
        return MultiMap.caseInsensitiveMultiMap()
                .add("ce-specversion", "1.0").add("ce-id", ID).add("ce-source", "/event/source/123")
                .add("ce-type", "dev.cdevents.service.deployed.0.3.0").add("ce-time", "2023-03-20T14:27:05Z");
    }

    private static ObjectNode structured(String id, String file) {
        ObjectNode event = Json.mapper().createObjectNode().put("specversion", "1.0").put("id", id)
                .put("source", "/event/source/123").put("type", "dev.cdevents.service.deployed.0.3.0")
                .put("datacontenttype", "application/json");
        event.set("data", Payloads.json(file));
        return event;
    }

    @Test
    void binaryModeTakesTheAttributesFromHeadersAndTheBodyAsData() {
        CloudEvent e = CloudEventReader.read(CloudEventReader.BINARY, binaryHeaders(), DEPLOYED).get(0);
        assertThat(e.id()).isEqualTo(ID);
        assertThat(e.source()).isEqualTo("/event/source/123");
        assertThat(e.type()).isEqualTo("dev.cdevents.service.deployed.0.3.0");
        assertThat(e.time()).isEqualTo("2023-03-20T14:27:05Z");
        assertThat(e.data().at("/subject/content/environment/id").asText()).isEqualTo("test123");
        assertThat(e.raw()).isEqualTo(DEPLOYED);
    }

    @Test
    void binaryModeNeedsEveryRequiredAttribute() {
        assertThatThrownBy(() -> CloudEventReader.read(CloudEventReader.BINARY, binaryHeaders().remove("ce-id"),
                DEPLOYED)).isInstanceOfSatisfying(Rejection.class, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.getMessage()).startsWith("missing header ce-id");
                });
        assertThatThrownBy(() -> CloudEventReader.read(CloudEventReader.BINARY,
                binaryHeaders().set("ce-specversion", "0.3"), DEPLOYED))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("specversion must be 1.0");
    }

    @Test
    void structuredModeReadsTheWholeEventFromTheBody() {
        byte[] body = Json.toBytes(structured(ID, "cdevents/v0.5.1/service_deployed.json"));
        CloudEvent e = CloudEventReader.read(CloudEventReader.STRUCTURED, MultiMap.caseInsensitiveMultiMap(), body)
                .get(0);
        assertThat(e.id()).isEqualTo(ID);
        assertThat(e.data()).isEqualTo(Payloads.json("cdevents/v0.5.1/service_deployed.json"));
        assertThat(e.raw()).isEqualTo(body);
    }

    @Test
    void structuredModeReadsBase64DataToo() {
        ObjectNode event = structured(ID, "cdevents/v0.5.1/service_deployed.json");
        event.remove("data");
        event.put("data_base64", Base64.getEncoder().encodeToString(DEPLOYED));
        CloudEvent e = CloudEventReader.read(CloudEventReader.STRUCTURED, MultiMap.caseInsensitiveMultiMap(),
                Json.toBytes(event)).get(0);
        assertThat(e.data()).isEqualTo(Payloads.json("cdevents/v0.5.1/service_deployed.json"));
    }

    @Test
    void structuredModeRefusesNonJsonDataAndMissingAttributes() {
        ObjectNode xml = structured(ID, "cdevents/v0.5.1/service_deployed.json").put("datacontenttype", "text/xml");
        assertThatThrownBy(() -> CloudEventReader.read(CloudEventReader.STRUCTURED, MultiMap.caseInsensitiveMultiMap(),
                Json.toBytes(xml))).isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(415));
        ObjectNode noSource = structured(ID, "cdevents/v0.5.1/service_deployed.json");
        noSource.remove("source");
        assertThatThrownBy(() -> CloudEventReader.read(CloudEventReader.STRUCTURED, MultiMap.caseInsensitiveMultiMap(),
                Json.toBytes(noSource))).hasMessage("missing CloudEvents attribute source");
    }

    @Test
    void aBatchIsSlicedIntoItsEventsExactlyAsSent() {
        String first = "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"x\":1}}";
        String second = "{ \"specversion\" : \"1.0\", \"id\" : \"b\", \"source\" : \"/s\", \"type\" : \"t\",\n"
                + "  \"data\" : { \"y\" : [ \"é\" ] } }";
        byte[] batch = ("[ " + first + " ,\n  " + second + "\n]").getBytes(StandardCharsets.UTF_8);
        List<CloudEvent> events = CloudEventReader.read(CloudEventReader.BATCH, MultiMap.caseInsensitiveMultiMap(),
                batch);
        assertThat(events).extracting(CloudEvent::id).containsExactly("a", "b");
        assertThat(new String(events.get(0).raw(), StandardCharsets.UTF_8)).isEqualTo(first);
        assertThat(new String(events.get(1).raw(), StandardCharsets.UTF_8)).isEqualTo(second);
    }

    @Test
    void aBadEventRefusesTheWholeBatchNamingIt() {
        byte[] batch = ("[{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"/s\",\"type\":\"t\",\"data\":{}},"
                + "{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\",\"data\":{}}]").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CloudEventReader.read(CloudEventReader.BATCH, MultiMap.caseInsensitiveMultiMap(), batch))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("event 2 of the batch: missing CloudEvents attribute id (nothing of the batch was written)");
    }

    @Test
    void truncatedAndNonArrayBatchesAreRefused() {
        byte[] truncated = "[{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"/s\",\"type\":\"t\",\"data\":{}},{\"spec"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CloudEventReader.read(CloudEventReader.BATCH, MultiMap.caseInsensitiveMultiMap(),
                truncated)).isInstanceOf(MalformedPayloadException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CloudEventReader.read(CloudEventReader.BATCH, MultiMap.caseInsensitiveMultiMap(),
                "{}".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("must be a JSON array");
        assertThat(CloudEventReader.read(CloudEventReader.BATCH, MultiMap.caseInsensitiveMultiMap(),
                "[]".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
