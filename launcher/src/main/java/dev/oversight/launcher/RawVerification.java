package dev.oversight.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.github.RawSignatureCheck;
import dev.oversight.ledger.kafka.TopicReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code oversight verify --raw}: proves, delivery by delivery, that what {@code oversight.raw} keeps from GitHub is
 * what GitHub signed — the body as received checked against the signature headers kept with it, under the webhook
 * secret(s). Read as a stream: the raw topic holds whole bodies for 400 days and is never held in memory.
 */
final class RawVerification {

    /** At most this many problems are listed one by one; all are counted. */
    private static final int LISTED = 50;

    private final Map<RawSignatureCheck.Outcome, Long> counts = new EnumMap<>(RawSignatureCheck.Outcome.class);
    private final List<String> problems = new ArrayList<>();
    private long read;

    private RawVerification() {
        for (RawSignatureCheck.Outcome outcome : RawSignatureCheck.Outcome.values()) {
            counts.put(outcome, 0L);
        }
    }

    /**
     * The secrets in a file: one per line (more than one while a secret was rotated during the period); blank lines
     * and a line's trailing whitespace are ignored.
     */
    static List<byte[]> secrets(Path file) {
        try {
            List<byte[]> secrets = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::stripTrailing)
                    .filter(line -> !line.isEmpty()).map(line -> line.getBytes(StandardCharsets.UTF_8)).toList();
            if (secrets.isEmpty()) {
                throw new OversightCli.UsageException(file + " holds no secret (one per line)");
            }
            return secrets;
        } catch (IOException e) {
            throw new OversightCli.UsageException("cannot read the secret file " + file + ": " + e.getMessage());
        }
    }

    static RawVerification run(Map<String, Object> consumerSettings, String topic, List<byte[]> secrets,
                               PrintStream progress) {
        RawVerification verification = new RawVerification();
        long[] lastShown = {0};
        TopicReader.forEach(consumerSettings, topic, partition -> { }, record -> {
            RawSignatureCheck.Result result = RawSignatureCheck.check(record, secrets);
            verification.read++;
            verification.counts.merge(result.outcome(), 1L, Long::sum);
            boolean problem = result.outcome() == RawSignatureCheck.Outcome.MISMATCH
                    || result.outcome() == RawSignatureCheck.Outcome.UNSIGNED
                    || result.outcome() == RawSignatureCheck.Outcome.UNREADABLE;
            if (problem && verification.problems.size() < LISTED) {
                verification.problems.add(topic + "/" + record.partition() + "@" + record.offset() + " (delivery "
                        + (result.deliveryId() == null ? "unknown" : result.deliveryId()) + "): "
                        + result.outcome().name().toLowerCase(java.util.Locale.ROOT) + " — " + result.detail());
            }
        }, n -> {
            if (n - lastShown[0] >= 10_000) {
                progress.printf("read %,d raw deliveries%n", n);
                lastShown[0] = n;
            }
        });
        return verification;
    }

    long count(RawSignatureCheck.Outcome outcome) {
        return counts.get(outcome);
    }

    /** Every GitHub delivery is proven signed, and every record could be read. */
    boolean ok() {
        return count(RawSignatureCheck.Outcome.MISMATCH) == 0 && count(RawSignatureCheck.Outcome.UNSIGNED) == 0
                && count(RawSignatureCheck.Outcome.UNREADABLE) == 0;
    }

    List<String> problems() {
        return problems;
    }

    String summary() {
        long problemsCount = count(RawSignatureCheck.Outcome.MISMATCH) + count(RawSignatureCheck.Outcome.UNSIGNED)
                + count(RawSignatureCheck.Outcome.UNREADABLE);
        return String.format("%s: %,d raw deliveries read; from GitHub %,d signed by the secret(s) given, %,d do not "
                        + "match, %,d unsigned; %,d unreadable; %,d from other sources (not signed by GitHub, not "
                        + "checked)%s",
                ok() ? "raw deliveries verified" : "raw deliveries NOT verified", read,
                count(RawSignatureCheck.Outcome.SIGNED), count(RawSignatureCheck.Outcome.MISMATCH),
                count(RawSignatureCheck.Outcome.UNSIGNED), count(RawSignatureCheck.Outcome.UNREADABLE),
                count(RawSignatureCheck.Outcome.NOT_GITHUB),
                problemsCount > problems.size() ? " (the first " + problems.size() + " problems listed)" : "");
    }

    String toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("ok", ok());
        json.put("read", read);
        ObjectNode outcomes = json.putObject("outcomes");
        counts.forEach((outcome, n) -> outcomes.put(outcome.name(), n));
        problems.forEach(json.putArray("problems")::add);
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
