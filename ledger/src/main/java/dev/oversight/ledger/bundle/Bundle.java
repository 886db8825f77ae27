package dev.oversight.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import dev.oversight.ledger.Ledger;
import dev.oversight.ledger.LedgerKey;
import dev.oversight.ledger.Report;
import dev.oversight.ledger.Verifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An export bundle, a directory: {@code verdicts.jsonl} and {@code actions.jsonl} (each record's value exactly as
 * stored, one a line, each chain in seq order; a record the query left out is a line with its {@code ledger} link
 * alone), {@code checkpoints.jsonl} (the signed checkpoints that cover them, as stored), {@code public-keys.pem} (the
 * keys that signed them) and {@code manifest.json} (the query, the counts, the SHA-256 of every other file).
 */
public final class Bundle {

    public static final String VERDICTS = "verdicts.jsonl";
    public static final String ACTIONS = "actions.jsonl";
    public static final String CHECKPOINTS = "checkpoints.jsonl";
    public static final String PUBLIC_KEYS = "public-keys.pem";
    public static final String MANIFEST = "manifest.json";

    private Bundle() {}

    /**
     * Verifies a bundle offline: the manifest's hashes, then every chain and checkpoint (ledger/README.md).
     *
     * @param trusted the keys to trust; empty: the bundle's own {@code public-keys.pem} (said in a note)
     */
    public static Report verify(Path dir, Optional<List<PublicKey>> trusted) {
        List<Report.Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        JsonNode manifest = null;
        try {
            manifest = Json.mapper().readTree(Files.readAllBytes(dir.resolve(MANIFEST)));
        } catch (IOException e) {
            problems.add(new Report.Problem(Report.Kind.MANIFEST_MISMATCH, null, null, MANIFEST,
                    "cannot read the manifest: " + e.getMessage()));
        }
        if (manifest != null) {
            problems.addAll(files(dir, manifest, false));
        }
        List<PublicKey> keys = trusted.orElseGet(() -> {
            notes.add("checkpoints were checked against the public key(s) in the bundle; give --public-key with the"
                    + " key you obtained from the operator to check that they are Oversight's");
            return Files.isRegularFile(dir.resolve(PUBLIC_KEYS)) ? LedgerKey.readPublicKeys(dir.resolve(PUBLIC_KEYS))
                    : List.of();
        });
        List<Verifier.Entry> records = new ArrayList<>(lines(dir, VERDICTS));
        records.addAll(lines(dir, ACTIONS));
        Report report = new Verifier(keys, false).verify(records, lines(dir, CHECKPOINTS));
        if (manifest != null) {
            problems.addAll(ranges(manifest, report));
        }
        report = report.withProblems(problems);
        List<String> allNotes = new ArrayList<>(notes);
        allNotes.addAll(report.notes());
        return new Report(report.ok(), report.records(), report.checkpoints(), report.chains(), report.problems(),
                allNotes);
    }

    /**
     * Checks the files a manifest lists ({@code files}: {@code name}, {@code sha256}) against the directory: each must
     * be there with that SHA-256 ({@link Report.Kind#MANIFEST_MISMATCH} naming the file otherwise).
     *
     * @param folders whether names may be paths inside the directory ({@code evidence/x.pdf}); never outside it
     */
    public static List<Report.Problem> files(Path dir, JsonNode manifest, boolean folders) {
        List<Report.Problem> problems = new ArrayList<>();
        Path root = dir.toAbsolutePath().normalize();
        for (JsonNode file : manifest.path("files")) {
            String name = file.path("name").asText();
            Path path = root.resolve(name).normalize();
            boolean nested = name.contains("/") || name.contains("\\");
            if ((nested && !folders) || !path.startsWith(root) || path.equals(root) || !Files.isRegularFile(path)) {
                problems.add(new Report.Problem(Report.Kind.MANIFEST_MISMATCH, null, null, name,
                        "the manifest names a file the bundle does not have"));
                continue;
            }
            String actual = Ledger.sha256Hex(readAll(path));
            if (!actual.equals(file.path("sha256").asText())) {
                problems.add(new Report.Problem(Report.Kind.MANIFEST_MISMATCH, null, null, name,
                        "its SHA-256 is " + actual + ", the manifest says " + file.path("sha256").asText()));
            }
        }
        return problems;
    }

    /**
     * Each chain's records must span what the manifest says was exported: records deleted at the beginning or the end
     * of a chain leave no broken link, but a range shorter than the manifest's.
     */
    private static List<Report.Problem> ranges(JsonNode manifest, Report report) {
        List<Report.Problem> problems = new ArrayList<>();
        for (String kind : List.of("verdicts", "actions")) {
            String file = kind.equals("verdicts") ? VERDICTS : ACTIONS;
            manifest.path("rows").path(kind).path("chains").fields().forEachRemaining(entry -> {
                String chain = entry.getKey();
                long from = entry.getValue().path("fromSeq").asLong();
                long to = entry.getValue().path("toSeq").asLong();
                Report.Chain found = report.chains().stream().filter(c -> c.chain().equals(chain)).findFirst()
                        .orElse(null);
                if (found == null || found.records() == 0) {
                    problems.add(new Report.Problem(Report.Kind.GAP, chain, from, file, "the manifest says seq " + from
                            + " to " + to + " were exported; none is here"));
                    return;
                }
                if (found.firstSeq() > from) {
                    problems.add(new Report.Problem(Report.Kind.GAP, chain, from, file, "seq " + from + " to "
                            + (found.firstSeq() - 1) + " missing: the manifest says the chain was exported from seq "
                            + from));
                }
                if (found.lastSeq() < to) {
                    problems.add(new Report.Problem(Report.Kind.TRUNCATED, chain, found.lastSeq() + 1, file, "seq "
                            + (found.lastSeq() + 1) + " to " + to + " missing: the manifest says the chain was exported"
                            + " to seq " + to));
                }
            });
        }
        return problems;
    }

    static List<Verifier.Entry> lines(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Verifier.Entry> entries = new ArrayList<>();
        byte[] all = readAll(file);
        int line = 0;
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                line++;
                if (i > start) {
                    byte[] value = java.util.Arrays.copyOfRange(all, start, i);
                    entries.add(new Verifier.Entry(name + ":" + line, value));
                }
                start = i + 1;
            }
        }
        return entries;
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The line that stands for a record left out: its ledger link alone. */
    static byte[] linkOnly(JsonNode record) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.set("ledger", record.get("ledger"));
        return Json.toBytes(line);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
