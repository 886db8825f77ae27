package dev.oversight.ingest.github;

import dev.oversight.events.RawDelivery;
import dev.oversight.events.Source;
import dev.oversight.events.kafka.RawDeliverySerde;
import dev.oversight.ingest.github.GitHubSignature.Algorithm;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Whether a record of {@code oversight.raw} is what GitHub signed: its body, as kept, checked against the signature
 * headers kept with it ({@code X-Hub-Signature-256}, and {@code X-Hub-Signature} when GitHub sent it) under the
 * webhook's secret. GitHub computes them over the body it sent with a secret only it and the receiver hold, so a
 * match shows the body is byte for byte what GitHub delivered; a body changed after the fact no longer matches.
 *
 * <p>Records of either form of {@code oversight.raw} are checked (an older envelope's body is the UTF-8 of its text,
 * which is the bytes received). Rules, in order: a record that cannot be read is {@code UNREADABLE}; one not from
 * GitHub is {@code NOT_GITHUB}; one without a signature header is {@code UNSIGNED}; every signature header kept must
 * match under one of the secrets ({@code SIGNED}), else {@code MISMATCH} names the first that does not.
 *
 * <pre>{@code
 * Result result = RawSignatureCheck.check(record, List.of(Files.readAllBytes(secretFile)));
 * if (!result.signed()) System.out.println(result);
 * }</pre>
 */
public final class RawSignatureCheck {

    public enum Outcome { SIGNED, MISMATCH, UNSIGNED, NOT_GITHUB, UNREADABLE }

    /**
     * @param deliveryId the delivery checked (null when unreadable)
     * @param headers    the signature headers that matched (SIGNED) or the one that did not (MISMATCH)
     * @param detail     what was found, in a sentence
     */
    public record Result(Outcome outcome, String deliveryId, List<String> headers, String detail) {

        public boolean signed() {
            return outcome == Outcome.SIGNED;
        }
    }

    private RawSignatureCheck() {}

    /**
     * @param record  a record of {@code oversight.raw} as stored (key and value as bytes)
     * @param secrets the webhook secrets that may have signed it (as many as were in use over the period; each the
     *                bytes of the secret as typed into GitHub, without a trailing newline)
     */
    public static Result check(ConsumerRecord<byte[], byte[]> record, List<byte[]> secrets) {
        RawDelivery raw;
        try {
            raw = RawDeliverySerde.read(record.headers(), record.value());
        } catch (SerializationException e) {
            return new Result(Outcome.UNREADABLE, null, List.of(), "not a raw delivery: " + e.getMessage());
        }
        return check(raw, secrets);
    }

    public static Result check(RawDelivery raw, List<byte[]> secrets) {
        if (raw.source() != Source.GITHUB) {
            return new Result(Outcome.NOT_GITHUB, raw.deliveryId(), List.of(), "a delivery from " + raw.source().id()
                    + ", which GitHub did not sign");
        }
        List<String> matched = new ArrayList<>();
        for (Algorithm algorithm : Algorithm.values()) {
            String value = raw.header(algorithm.header());
            if (value == null) {
                continue;
            }
            if (!GitHubSignature.verify(algorithm, raw.body(), value, secrets)) {
                return new Result(Outcome.MISMATCH, raw.deliveryId(), List.of(algorithm.header()), algorithm.header()
                        + " does not match the body kept under any secret given: the body or the header was changed, "
                        + "or it was signed with another secret");
            }
            matched.add(algorithm.header());
        }
        if (matched.isEmpty()) {
            return new Result(Outcome.UNSIGNED, raw.deliveryId(), List.of(), "no signature header was kept with it");
        }
        return new Result(Outcome.SIGNED, raw.deliveryId(), List.copyOf(matched), "the body kept, "
                + raw.body().length + " bytes, is what GitHub signed (" + String.join(", ", matched) + ")");
    }
}
