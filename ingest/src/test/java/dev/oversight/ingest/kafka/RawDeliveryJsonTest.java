package dev.oversight.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.RawDelivery;
import dev.oversight.events.Source;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.Payloads;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RawDeliveryJsonTest {

    private static final Instant[] TIMES = {Instant.parse("2026-11-24T08:00:00Z"),
        Instant.parse("2026-11-24T08:00:00.123456789Z")};

    private static RawDelivery raw(String body, Instant at) {
        Map<String, String> headers = new TreeMap<>(Map.of("content-type", "application/json",
                "x-github-event", "pull_request", "x-quoted", "a \"b\" \\ c ✓"));
        return new RawDelivery(RawDelivery.SCHEMA, Source.GITHUB, "pull_request", "d-1", "github:a/b", at, headers, body);
    }

    @Test
    void writesByteForByteWhatTheSerdeWrites() {
        for (String body : new String[] {
            new String(Payloads.bytes("github/hub4j/pull_request.json"), StandardCharsets.UTF_8),
            new String(Payloads.bytes("gitlab/go-gitlab/merge_request.json"), StandardCharsets.UTF_8),
            "{\"accents\":\"é ü ✓\",\"control\":\"\\u0001\",\"quote\":\"\\\"\",\"newline\":\"a\nb\",\"tab\":\"\t\"}",
            "payload=%7B%22a%22%3A1%7D",
            ""}) {
            for (Instant at : TIMES) {
                RawDelivery raw = raw(body, at);
                assertThat(RawDeliveryJson.write(raw, body.getBytes(StandardCharsets.UTF_8)))
                        .as(body.length() > 40 ? body.substring(0, 40) : body)
                        .isEqualTo(Topics.RAW.valueSerde().serializer().serialize("t", raw));
            }
        }
    }

    /**
     * Characters outside the Basic Multilingual Plane (emoji) are written as UTF-8 where the serde writes
     * surrogate-pair escapes: the same string, as every JSON reader reads it.
     */
    @Test
    void emojiAreWrittenAsUtf8AndReadBackTheSame() {
        String body = "{\"emoji\":\"😀 🚀\",\"text\":\"ok\"}";
        RawDelivery raw = raw(body, TIMES[0]);
        byte[] written = RawDeliveryJson.write(raw, body.getBytes(StandardCharsets.UTF_8));
        assertThat(Topics.RAW.valueSerde().deserializer().deserialize("t", written)).isEqualTo(raw);
    }
}
