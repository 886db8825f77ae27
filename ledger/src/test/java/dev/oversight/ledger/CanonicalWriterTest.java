package dev.oversight.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Action;
import dev.oversight.events.LastGood;
import dev.oversight.events.LedgerLink;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The direct canonical writer gives, byte for byte, what the reference canonicalization of the stored JSON gives. */
class CanonicalWriterTest {

    private static final String ALPHABET = "aZ09 \"\\/\n\r\t\b\f\u0000\u0001\u001f\u007f\u0080éö€\u2028\ufb33😀<>&'";

    private static String text(Random random) {
        if (random.nextInt(10) == 0) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(ALPHABET.length());
            if (Character.isLowSurrogate(ALPHABET.charAt(at))) {
                at--; // a pair is picked whole
            }
            char c = ALPHABET.charAt(at);
            s.append(c);
            if (Character.isHighSurrogate(c)) {
                s.append(ALPHABET.charAt(at + 1));
            }
        }
        return s.toString();
    }

    private static List<String> texts(Random random) {
        List<String> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            String t = text(random);
            list.add(t == null ? "" : t);
        }
        return list;
    }

    private static Instant instant(Random random) {
        return random.nextInt(5) == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000),
                random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000_000));
    }

    private static Verdict verdict(Random random) {
        List<Verdict.ChangeSummary> changes = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            changes.add(new Verdict.ChangeSummary(text(random), text(random), text(random), text(random),
                    texts(random), text(random), text(random)));
        }
        return new Verdict(random.nextInt(3), text(random), random.nextInt(100), text(random), text(random),
                text(random), text(random), text(random), text(random),
                VerdictStatus.values()[random.nextInt(VerdictStatus.values().length)],
                List.of(new Verdict.Reason(ReasonCode.values()[random.nextInt(ReasonCode.values().length)],
                        text(random))), changes, List.of(new Verdict.CheckSummary(text(random), text(random),
                text(random), text(random))), new Verdict.PolicyRef(text(random), text(random)), instant(random),
                instant(random), text(random), text(random), text(random), instant(random), texts(random),
                random.nextBoolean() ? null : new Verdict.Decision(random.nextBoolean(), text(random),
                        random.nextBoolean()), new LedgerLink(text(random), random.nextInt(1_000_000), text(random),
                null));
    }

    private static Action action(Random random) {
        return new Action(1, text(random), text(random), text(random), text(random), text(random), text(random),
                Action.ActionType.values()[random.nextInt(4)], text(random),
                Action.ActionPhase.values()[random.nextInt(4)], random.nextBoolean(), random.nextInt(9), text(random),
                instant(random), random.nextBoolean() ? null : VerdictStatus.VIOLATION, text(random),
                random.nextBoolean() ? null : new Action.Request(text(random), text(random), text(random)),
                random.nextBoolean() ? null : new LastGood(1, text(random), text(random), text(random), text(random),
                        text(random), text(random), instant(random)),
                new LedgerLink(text(random), random.nextInt(1_000_000), text(random), null));
    }

    private static String reference(Object record) throws Exception {
        ObjectNode tree = (ObjectNode) Json.mapper().readTree(Json.toBytes(record));
        ((ObjectNode) tree.get("ledger")).remove("hash");
        return CanonicalJson.string(tree);
    }

    record Note(String text, double amount, long big, LedgerLink ledger) {}

    @Test
    void numbersAreWrittenAsTheReferenceWritesThem() throws Exception {
        for (double amount : new double[] {0, -0.0, 1.5, 3.0, 1e21, 1e-7, 333333333.33333329}) {
            Note note = new Note("n", amount, (1L << 60) + 1, new LedgerLink("c", 1, Ledger.GENESIS, null));
            assertThat(new String(CanonicalWriter.bytes(note), StandardCharsets.UTF_8)).isEqualTo(reference(note));
        }
    }

    @Test
    void verdictsAndActionsOfEveryShapeAreWrittenAsTheReferenceCanonicalizesThem() throws Exception {
        Random random = new Random(14);
        for (int i = 0; i < 2_000; i++) {
            Object record = i % 2 == 0 ? verdict(random) : action(random);
            assertThat(new String(CanonicalWriter.bytes(record), StandardCharsets.UTF_8)).as("case %d", i)
                    .isEqualTo(reference(record));
        }
    }
}
