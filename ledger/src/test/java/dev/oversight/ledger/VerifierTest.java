package dev.oversight.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Checkpoint;
import dev.oversight.events.LedgerLink;
import dev.oversight.events.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {

    record Note(String text, double amount, LedgerLink ledger) {}

    @TempDir
    Path dir;

    private LedgerKey key() {
        return LedgerKey.loadOrCreate(dir.resolve("key.pem"));
    }

    /** A chain of n records, checkpointed at the given seqs. */
    private List<Verifier.Entry> chain(String chain, int n, List<Note> out) {
        Ledger.Head head = Ledger.Head.EMPTY;
        List<Verifier.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int index = i;
            Note note = Ledger.link(link -> new Note("record " + index + " ü\n", index * 1.5, link), chain, head);
            head = Ledger.headOf(note.ledger());
            out.add(note);
            entries.add(new Verifier.Entry("records line " + i, Json.toBytes(note)));
        }
        return entries;
    }

    private Verifier.Entry checkpoint(LedgerKey key, Note at) {
        Checkpoint c = Checkpoints.sign(key, "test", at.ledger().chain(), at.ledger().seq(), at.ledger().hash(),
                Instant.parse("2026-12-02T01:00:00Z"), List.of("sha256:abc"));
        return new Verifier.Entry("checkpoint " + at.ledger().seq(), Json.toBytes(c));
    }

    private Report verify(List<Verifier.Entry> records, List<Verifier.Entry> checkpoints) {
        return new Verifier(List.of(key().publicKey()), false).verify(records, checkpoints);
    }

    @Test
    void aChainCheckpointedAtItsEndVerifies() {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 5, notes);
        Report report = verify(records, List.of(checkpoint(key(), notes.get(2)), checkpoint(key(), notes.get(4))));
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.chains()).singleElement().satisfies(c -> {
            assertThat(c.firstSeq()).isEqualTo(1);
            assertThat(c.lastSeq()).isEqualTo(5);
            assertThat(c.vouchedTo()).isEqualTo(5);
            assertThat(c.firstBroken()).isNull();
        });
        assertThat(notes.get(0).ledger().prevHash()).isEqualTo(Ledger.GENESIS);
        assertThat(notes.get(1).ledger().prevHash()).isEqualTo(notes.get(0).ledger().hash()).matches("[0-9a-f]{64}");
    }

    @Test
    void oneChangedByteIsNamedWithItsSeq() {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 5, notes);
        String changed = new String(records.get(2).value(), StandardCharsets.UTF_8).replace("record 3", "record 8");
        records.set(2, new Verifier.Entry("records line 3", changed.getBytes(StandardCharsets.UTF_8)));
        Report report = verify(records, List.of(checkpoint(key(), notes.get(4))));
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).extracting(Report.Problem::kind, Report.Problem::seq, Report.Problem::where)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Report.Kind.CHANGED, 3L, "records line 3"));
        assertThat(report.chains().get(0).firstBroken()).isEqualTo(3);
    }

    /** A chain of five checkpointed at its end, tampered with, has exactly the one problem expected. */
    private void tamperedHasOnly(java.util.function.Consumer<List<Verifier.Entry>> tamper, Report.Kind kind, long seq) {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 5, notes);
        tamper.accept(records);
        Report report = verify(records, List.of(checkpoint(key(), notes.get(4))));
        assertThat(report.problems()).extracting(Report.Problem::kind, Report.Problem::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(kind, seq));
    }

    @Test
    void aDeletedRecordIsAGap() {
        tamperedHasOnly(records -> records.remove(1), Report.Kind.GAP, 2L);
    }

    @Test
    void twoSwappedRecordsAreReordered() {
        tamperedHasOnly(records -> Collections.swap(records, 1, 2), Report.Kind.REORDERED, 2L);
    }

    @Test
    void aRecordAppendedAfterTheLastCheckpointIsNotVouchedForEvenWithACorrectHash() {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 5, notes);
        Note forged = Ledger.link(link -> new Note("forged", 0, link), "t/0", Ledger.headOf(notes.get(4).ledger()));
        records.add(new Verifier.Entry("records line 6", Json.toBytes(forged)));
        Report report = verify(records, List.of(checkpoint(key(), notes.get(4))));
        assertThat(report.problems()).extracting(Report.Problem::kind, Report.Problem::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Report.Kind.UNVOUCHED, 6L));
        // On live topics, the newest records simply wait for the next checkpoint.
        assertThat(new Verifier(List.of(key().publicKey()), true).verify(records,
                List.of(checkpoint(key(), notes.get(4)))).ok()).isTrue();
    }

    @Test
    void aCheckpointSignedWithAnotherKeyDoesNotCount() {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 3, notes);
        LedgerKey other = LedgerKey.loadOrCreate(dir.resolve("other.pem"));
        Report report = verify(records, List.of(checkpoint(other, notes.get(2))));
        assertThat(report.problems()).extracting(Report.Problem::kind).contains(Report.Kind.UNTRUSTED_KEY,
                Report.Kind.UNVOUCHED);
        // The same key id, but the head changed after signing.
        ObjectNode tree = (ObjectNode) Json.mapper().valueToTree(Json.fromBytes(checkpoint(key(), notes.get(2)).value(),
                Checkpoint.class));
        tree.put("seq", 2).put("head", notes.get(1).ledger().hash());
        Report resigned = verify(records, List.of(new Verifier.Entry("cp", Json.toBytes(tree))));
        assertThat(resigned.problems()).extracting(Report.Problem::kind).contains(Report.Kind.BAD_SIGNATURE);
    }

    @Test
    void aDeletedTailIsTruncated() {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 5, notes);
        records.remove(4);
        Report report = verify(records, List.of(checkpoint(key(), notes.get(2)), checkpoint(key(), notes.get(4))));
        assertThat(report.problems()).extracting(Report.Problem::kind).contains(Report.Kind.TRUNCATED);
    }

    @Test
    void aChainWhoseBeginningIsGoneVerifiesFromTheEarliestCheckpointAndSaysSo() {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 6, notes);
        List<Verifier.Entry> left = records.subList(2, 6);
        Report report = verify(left, List.of(checkpoint(key(), notes.get(1)), checkpoint(key(), notes.get(3)),
                checkpoint(key(), notes.get(5))));
        assertThat(report.ok()).isTrue();
        assertThat(report.notes()).singleElement().asString().contains("begins at seq 3")
                .contains("checkpoint at seq 4");
    }

    @Test
    void recordsReducedToTheirLinksStillLinkTheChain() {
        List<Note> notes = new ArrayList<>();
        List<Verifier.Entry> records = chain("t/0", 4, notes);
        ObjectNode linkOnly = Json.mapper().createObjectNode();
        linkOnly.set("ledger", Json.mapper().valueToTree(notes.get(1).ledger()));
        records.set(1, new Verifier.Entry("records line 2", Json.toBytes(linkOnly)));
        Report report = verify(records, List.of(checkpoint(key(), notes.get(3))));
        assertThat(report.ok()).isTrue();
        assertThat(report.chains().get(0).redacted()).isEqualTo(1);
    }
}
