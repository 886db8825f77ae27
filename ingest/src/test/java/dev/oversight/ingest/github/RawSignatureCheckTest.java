package dev.oversight.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.Source;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.Payloads;
import dev.oversight.ingest.github.RawSignatureCheck.Outcome;
import dev.oversight.ingest.github.RawSignatureCheck.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * Raw records of real GitHub payloads, signed by GitHub's own Node library (test resources github/signed), as a
 * reader of {@code oversight.raw} gets them: each proven signed; one byte of the body changed, or the signature
 * header, or the wrong secret, and the proof fails.
 */
class RawSignatureCheckTest {

    private record Signed(String file, byte[] body, String sha256, String sha1) {}

    private static final JsonNode SIGNATURES = Payloads.json("github/signed/octokit-signatures.json");
    private static final byte[] SECRET = SIGNATURES.get("secret").asText().getBytes(StandardCharsets.UTF_8);

    private static List<Signed> signed() {
        List<Signed> all = new ArrayList<>();
        SIGNATURES.get("deliveries").forEach(d -> all.add(new Signed(d.get("file").asText(),
                Payloads.bytes(d.get("file").asText()), d.get("sha256").asText(), d.get("sha1").asText())));
        assertThat(all).hasSize(4);
        return all;
    }

    /** A stored raw record, written the way ingest writes it, with these request headers kept. */
    private static ConsumerRecord<byte[], byte[]> record(Source source, byte[] body, Map<String, String> kept) {
        Headers headers = new RecordHeaders();
        byte[] value = Topics.RAW.valueSerde().serializer().serialize("oversight.raw", headers, new RawDelivery(
                RawDelivery.SCHEMA, source, "pull_request", "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                "github:baxterthehacker/public-repo", Instant.parse("2026-11-20T10:15:30Z"), "application/json",
                kept, null, body));
        return stored(value, headers);
    }

    private static ConsumerRecord<byte[], byte[]> stored(byte[] value, Headers headers) {
        return new ConsumerRecord<>("oversight.raw", 0, 42L, 0L, TimestampType.CREATE_TIME, 0, value.length,
                "github:baxterthehacker/public-repo".getBytes(StandardCharsets.UTF_8), value, headers,
                java.util.Optional.empty());
    }

    private static Map<String, String> signatures(Signed s) {
        Map<String, String> kept = new TreeMap<>(Map.of("x-github-event", "pull_request", "user-agent",
                "GitHub-Hookshot/044aadd"));
        kept.put("x-hub-signature-256", s.sha256());
        kept.put("x-hub-signature", s.sha1());
        return kept;
    }

    @Test
    void realPayloadsSignedByGitHubsLibraryAreProvenSigned() {
        for (Signed s : signed()) {
            Result result = RawSignatureCheck.check(record(Source.GITHUB, s.body(), signatures(s)), List.of(SECRET));
            assertThat(result.outcome()).as(s.file()).isEqualTo(Outcome.SIGNED);
            assertThat(result.headers()).containsExactly("X-Hub-Signature-256", "X-Hub-Signature");
            assertThat(result.deliveryId()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        }
    }

    @Test
    void oneByteOfTheBodyChangedIsNoLongerWhatGitHubSigned() {
        for (Signed s : signed()) {
            // Every position matters: the first, the last and one in the middle.
            for (int at : new int[] {0, s.body().length / 2, s.body().length - 1}) {
                byte[] tampered = s.body().clone();
                tampered[at] ^= 0x01;
                Result result = RawSignatureCheck.check(record(Source.GITHUB, tampered, signatures(s)),
                        List.of(SECRET));
                assertThat(result.outcome()).as(s.file() + " byte " + at).isEqualTo(Outcome.MISMATCH);
                assertThat(result.detail()).contains("X-Hub-Signature-256 does not match");
            }
            // A merged approval edited into the body: a change a reader would care about.
            String text = new String(s.body(), StandardCharsets.UTF_8);
            byte[] edited = text.replaceFirst("\"login\": \"[^\"]*\"", "\"login\": \"someone-else\"")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(edited).isNotEqualTo(s.body());
            assertThat(RawSignatureCheck.check(record(Source.GITHUB, edited, signatures(s)), List.of(SECRET))
                    .signed()).isFalse();
        }
    }

    @Test
    void aChangedSignatureOrAnotherSecretIsNoProof() {
        Signed s = signed().get(0);
        Map<String, String> forged = signatures(s);
        forged.put("x-hub-signature", "sha1=" + "0".repeat(40));
        Result sha1Forged = RawSignatureCheck.check(record(Source.GITHUB, s.body(), forged), List.of(SECRET));
        assertThat(sha1Forged.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(sha1Forged.headers()).containsExactly("X-Hub-Signature");

        assertThat(RawSignatureCheck.check(record(Source.GITHUB, s.body(), signatures(s)),
                List.of("another secret".getBytes(StandardCharsets.UTF_8))).outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(RawSignatureCheck.check(record(Source.GITHUB, s.body(), signatures(s)), List.of()).outcome())
                .isEqualTo(Outcome.MISMATCH);
        // During a rotation both secrets are given: either may have signed it.
        assertThat(RawSignatureCheck.check(record(Source.GITHUB, s.body(), signatures(s)),
                List.of("the next secret".getBytes(StandardCharsets.UTF_8), SECRET)).signed()).isTrue();
    }

    @Test
    void onlyTheOlderSignatureIsEnoughWhenItIsAllThereIs() {
        Signed s = signed().get(1);
        Map<String, String> sha1Only = signatures(s);
        sha1Only.remove("x-hub-signature-256");
        Result result = RawSignatureCheck.check(record(Source.GITHUB, s.body(), sha1Only), List.of(SECRET));
        assertThat(result.outcome()).isEqualTo(Outcome.SIGNED);
        assertThat(result.headers()).containsExactly("X-Hub-Signature");
    }

    @Test
    void whatCannotBeProvenSaysWhy() {
        Signed s = signed().get(0);
        Map<String, String> none = signatures(s);
        none.remove("x-hub-signature-256");
        none.remove("x-hub-signature");
        assertThat(RawSignatureCheck.check(record(Source.GITHUB, s.body(), none), List.of(SECRET)).outcome())
                .isEqualTo(Outcome.UNSIGNED);
        assertThat(RawSignatureCheck.check(record(Source.GITLAB, s.body(), signatures(s)), List.of(SECRET))
                .outcome()).isEqualTo(Outcome.NOT_GITHUB);
        assertThat(RawSignatureCheck.check(stored("not a delivery".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders()), List.of(SECRET)).outcome()).isEqualTo(Outcome.UNREADABLE);
    }

    @Test
    void anOlderEnvelopeRecordIsCheckedToo() throws IOException {
        Signed s = signed().get(2);
        // What ingest wrote before the body was the value: the body escaped into a JSON envelope.
        Map<String, Object> envelope = new TreeMap<>(Map.of("schema", 1, "source", "github", "eventType", "check_run",
                "deliveryId", "d-old", "repository", "github:o/r", "receivedAt", "2026-10-01T08:00:00Z",
                "headers", signatures(s), "body", new String(s.body(), StandardCharsets.UTF_8)));
        byte[] value = Json.mapper().writeValueAsBytes(envelope);
        Headers v1 = CloudEventHeaders.write(new RecordHeaders(), "d-old", "delivery.v1", "/oversight/ingest/github",
                Instant.parse("2026-10-01T08:00:00Z"));
        assertThat(value).isNotEqualTo(s.body());
        Result result = RawSignatureCheck.check(stored(value, v1), List.of(SECRET));
        assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.SIGNED);
    }

    @Test
    void githubsOwnTestVector() {
        // docs.github.com, "Validating webhook deliveries": this secret and body give this signature.
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        Map<String, String> kept = Map.of("x-hub-signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        byte[] secret = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
        assertThat(RawSignatureCheck.check(record(Source.GITHUB, body, kept), List.of(secret)).signed()).isTrue();
        assertThat(RawSignatureCheck.check(record(Source.GITHUB, Arrays.copyOf(body, 12), kept), List.of(secret))
                .signed()).isFalse();
    }
}
