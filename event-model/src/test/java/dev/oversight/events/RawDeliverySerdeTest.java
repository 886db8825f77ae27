package dev.oversight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RawDeliverySerdeTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:15:30.123456Z");
    /** Not ASCII, not even all in the Basic Multilingual Plane, with escapes a JSON writer would rewrite. */
    private static final byte[] BODY = "{\"title\":\"Fix \\u00e9 — ünïcode 🚀\",\"path\":\"a\\/b\",\"n\":1e2}\n"
            .getBytes(StandardCharsets.UTF_8);

    private static RawDelivery delivery(byte[] body, RawDelivery.Batch batch) {
        return new RawDelivery(RawDelivery.SCHEMA, Source.GITHUB, "pull_request", "d-1", "github:acme/pay", AT,
                "application/json; charset=utf-8", Map.of("x-github-event", "pull_request",
                "x-hub-signature-256", "sha256=" + "ab".repeat(32), "user-agent", "GitHub-Hookshot/\u00e9"), batch, body);
    }

    private static Map<String, String> asMap(Headers headers) {
        return StreamSupport.stream(headers.spliterator(), false).collect(java.util.stream.Collectors.toMap(
                Header::key, h -> new String(h.value(), StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theValueIsTheBodyByteForByteAndEverythingElseIsAHeader() {
        Headers headers = new RecordHeaders();
        byte[] value = Topics.RAW.valueSerde().serializer().serialize("raw", headers, delivery(BODY, null));

        assertThat(value).isEqualTo(BODY);
        assertThat(asMap(headers)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("ce_specversion", "1.0"),
                Map.entry("ce_id", "d-1"),
                Map.entry("ce_type", "dev.oversight.delivery.v2"),
                Map.entry("ce_source", "/oversight/ingest/github"),
                Map.entry("ce_time", "2026-11-20T10:15:30.123456Z"),
                Map.entry("ce_subject", "github:acme/pay"),
                Map.entry("ce_eventtype", "pull_request"),
                Map.entry("content-type", "application/json; charset=utf-8"),
                Map.entry("http_x-github-event", "pull_request"),
                Map.entry("http_x-hub-signature-256", "sha256=" + "ab".repeat(32)),
                Map.entry("http_user-agent", "GitHub-Hookshot/\u00e9")));
        // A request header's value is its octets as received (one per character the server read), not re-encoded.
        assertThat(headers.lastHeader("http_user-agent").value()).endsWith((byte) 0xe9);
    }

    @Test
    void readsBackWhatItWrote() {
        for (RawDelivery.Batch batch : new RawDelivery.Batch[] {null, new RawDelivery.Batch(2, 3)}) {
            RawDelivery raw = delivery(BODY, batch);
            Headers headers = new RecordHeaders();
            byte[] value = Topics.RAW.valueSerde().serializer().serialize("raw", headers, raw);
            assertThat(Topics.RAW.valueSerde().deserializer().deserialize("raw", headers, value)).isEqualTo(raw);
        }
        assertThat(asMap(writeHeaders(delivery(BODY, new RawDelivery.Batch(2, 3)))))
                .containsEntry("ce_batchindex", "2").containsEntry("ce_batchsize", "3");
    }

    @Test
    void aBodyThatIsNotJsonIsKeptToo() {
        byte[] form = "payload=%7B%22a%22%3A1%7D&x=\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        RawDelivery raw = delivery(form, null);
        Headers headers = new RecordHeaders();
        byte[] value = Topics.RAW.valueSerde().serializer().serialize("raw", headers, raw);
        assertThat(value).isEqualTo(form);
        assertThat(Topics.RAW.valueSerde().deserializer().deserialize("raw", headers, value).body()).isEqualTo(form);
    }

    @Test
    void readsTheOlderEnvelopeWithOrWithoutItsHeaders() {
        // What ingest wrote until schema 2, byte for byte: the body escaped into a JSON envelope.
        String envelope = "{\"schema\":1,\"source\":\"gitlab\",\"eventType\":\"Merge Request Hook\",\"deliveryId\":"
                + "\"u-7\",\"repository\":\"gitlab:g/p\",\"receivedAt\":\"2026-10-01T08:00:00Z\",\"headers\":"
                + "{\"content-type\":\"application/json\",\"x-gitlab-event\":\"Merge Request Hook\"},\"body\":"
                + "\"{\\\"title\\\":\\\"Fix \\u00e9 🚀\\\",\\\"path\\\":\\\"a/b\\\"}\"}";
        byte[] bytes = envelope.getBytes(StandardCharsets.UTF_8);
        Headers v1 = CloudEventHeaders.write(new RecordHeaders(), "u-7", "delivery.v1", "/oversight/ingest/gitlab",
                Instant.parse("2026-10-01T08:00:00Z"));
        for (Headers headers : new Headers[] {v1, new RecordHeaders()}) {
            RawDelivery raw = Topics.RAW.valueSerde().deserializer().deserialize("raw", headers, bytes);
            assertThat(raw.schema()).isEqualTo(1);
            assertThat(raw.source()).isEqualTo(Source.GITLAB);
            assertThat(raw.eventType()).isEqualTo("Merge Request Hook");
            assertThat(raw.deliveryId()).isEqualTo("u-7");
            assertThat(raw.repository()).isEqualTo("gitlab:g/p");
            assertThat(raw.receivedAt()).isEqualTo(Instant.parse("2026-10-01T08:00:00Z"));
            assertThat(raw.contentType()).isEqualTo("application/json");
            assertThat(raw.header("X-Gitlab-Event")).isEqualTo("Merge Request Hook");
            assertThat(raw.bodyText()).isEqualTo("{\"title\":\"Fix é 🚀\",\"path\":\"a/b\"}");
        }
        assertThat(Topics.RAW.valueSerde().deserializer().deserialize("raw", bytes).deliveryId()).isEqualTo("u-7");
    }

    @Test
    void refusesWhatIsNeitherForm() {
        byte[] body = "{\"not\":\"an envelope\"".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Topics.RAW.valueSerde().deserializer().deserialize("raw", new RecordHeaders(), body))
                .isInstanceOf(SerializationException.class).hasMessageContaining("older raw delivery envelope");
        Headers noTime = writeHeaders(delivery(BODY, null));
        noTime.remove("ce_time");
        assertThatThrownBy(() -> Topics.RAW.valueSerde().deserializer().deserialize("raw", noTime, BODY))
                .isInstanceOf(SerializationException.class).hasMessageContaining("ce_time");
        assertThatThrownBy(() -> Topics.RAW.valueSerde().serializer().serialize("raw", delivery(BODY, null)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void equalityIsByTheBodysBytes() {
        assertThat(delivery(BODY, null)).isEqualTo(delivery(Arrays.copyOf(BODY, BODY.length)))
                .isNotEqualTo(delivery(Arrays.copyOf(BODY, BODY.length - 1), null));
        assertThat(delivery(BODY, null).toString()).contains(BODY.length + " bytes");
    }

    private static RawDelivery delivery(byte[] body) {
        return delivery(body, null);
    }

    private static Headers writeHeaders(RawDelivery raw) {
        Headers headers = new RecordHeaders();
        Topics.RAW.valueSerde().serializer().serialize("raw", headers, raw);
        return headers;
    }
}
