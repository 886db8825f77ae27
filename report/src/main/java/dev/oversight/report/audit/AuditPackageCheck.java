package dev.oversight.report.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import dev.oversight.ledger.Report;
import dev.oversight.ledger.bundle.Bundle;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code oversight verify} of an audit package (report/README.md, "Checking an audit package"): the SHA-256 of every
 * file the package's manifest lists; the ledger bundle in {@code ledger/}, as {@code oversight verify} checks any
 * bundle; and the population against the ledger — each row's final verdict must be a record of the ledger with the
 * same hash and status, and every deploy of the scope whose verdicts the ledger holds (up to where the population was
 * read) must be a row. The package's manifest is not signed; the ledger's checkpoints are, so the population is
 * vouched for through them, not through the manifest.
 */
public final class AuditPackageCheck {

    private AuditPackageCheck() {}

    /** Whether {@code dir} holds an audit package (its manifest says so), rather than an export bundle. */
    public static boolean isPackage(Path dir) {
        JsonNode manifest = manifest(dir);
        return manifest != null && AuditPackage.FORMAT.equals(manifest.path("format").asText());
    }

    /**
     * Checks the package in {@code dir}.
     *
     * @param trusted the keys to trust; empty: the bundle's own {@code public-keys.pem} (said in a note)
     */
    public static Report verify(Path dir, Optional<List<PublicKey>> trusted) {
        JsonNode manifest = manifest(dir);
        if (manifest == null) {
            return failed(new Report.Problem(Report.Kind.MANIFEST_MISMATCH, null, null, AuditPackage.MANIFEST,
                    "cannot read the package's manifest"));
        }
        List<Report.Problem> problems = new ArrayList<>(Bundle.files(dir, manifest, true));
        Path ledgerDir = dir.resolve(AuditPackage.LEDGER_DIR);
        if (!Files.isRegularFile(ledgerDir.resolve(Bundle.MANIFEST))) {
            problems.add(new Report.Problem(Report.Kind.UNVOUCHED, null, null, AuditPackage.LEDGER_DIR,
                    "the package has no ledger bundle ("
                            + manifest.at("/ledgerBundle/leftOut").asText("written by an Oversight without one")
                            + "): nothing vouches for its population"));
            return failed(problems);
        }
        Report ledger = Bundle.verify(ledgerDir, trusted);
        List<String> notes = new ArrayList<>(ledger.notes());
        problems.addAll(population(dir, manifest, ledgerDir, notes));
        Report report = ledger.withProblems(problems);
        return new Report(report.problems().isEmpty(), report.records(), report.checkpoints(), report.chains(),
                report.problems(), notes);
    }

    /**
     * Unpacks a package as the report service serves it (a zip holding one folder) into {@code into}, and returns the
     * folder that holds its manifest. Entries that would land outside {@code into} are refused.
     */
    public static Path unzip(Path zip, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.BufferedInputStream(Files.newInputStream(zip)))) {
            for (java.util.zip.ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root) || target.equals(root)) {
                    throw new IOException(zip + " holds an entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(zip + " is not a zip archive: " + e.getMessage(), e);
        }
        if (Files.isRegularFile(root.resolve(AuditPackage.MANIFEST))) {
            return root;
        }
        try (java.util.stream.Stream<Path> folders = Files.list(root)) {
            List<Path> withManifest = folders.filter(f -> Files.isRegularFile(f.resolve(AuditPackage.MANIFEST))).toList();
            if (withManifest.size() != 1) {
                throw new IOException(zip + " holds no audit package (no folder with a " + AuditPackage.MANIFEST + ")");
            }
            return withManifest.get(0);
        }
    }

    /**
     * A verdict as the ledger holds it: what a population row is checked against ({@code inScope}: its deploy is in
     * the package's period and filters).
     */
    private record Held(String chain, long seq, String hash, String verdictId, String deployId, int revision,
                        String status, String deployedAt, boolean inScope) {}

    private static List<Report.Problem> population(Path dir, JsonNode manifest, Path ledgerDir, List<String> notes) {
        List<Report.Problem> problems = new ArrayList<>();
        Map<String, Held> byVerdict = new HashMap<>();
        Map<String, Held> latestByDeploy = new HashMap<>();
        JsonNode covered = manifest.at("/ledgerBundle/populationCoversChainsTo");
        Instant start = instant(manifest.at("/period/start").asText(null));
        Instant end = instant(manifest.at("/period/endExclusive").asText(null));
        JsonNode filters = manifest.path("filters");
        try (BufferedReader lines = Files.newBufferedReader(ledgerDir.resolve(Bundle.VERDICTS), StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode record = tree(line);
                if (record == null || !record.hasNonNull("verdictId")) {
                    continue; // a record left out as its link alone; Bundle.verify has checked the chain across it
                }
                JsonNode link = record.path("ledger");
                Held held = new Held(link.path("chain").asText(), link.path("seq").asLong(), link.path("hash").asText(),
                        record.get("verdictId").asText(), record.path("deployId").asText(),
                        record.path("revision").asInt(), record.path("status").asText(),
                        record.path("deployedAt").asText(), inScope(record, start, end, filters));
                byVerdict.put(held.verdictId(), held);
                // Only what the population could have seen counts towards its completeness.
                if (held.seq() <= covered.path(held.chain()).asLong(0)) {
                    latestByDeploy.merge(held.deployId(), held, (a, b) -> b.revision() >= a.revision() ? b : a);
                }
            }
        } catch (IOException e) {
            problems.add(new Report.Problem(Report.Kind.UNREADABLE, null, null, AuditPackage.LEDGER_DIR + Bundle.VERDICTS,
                    "cannot read it: " + e.getMessage()));
            return problems;
        }

        Set<String> rows = new HashSet<>();
        int beforeTheLedger = 0;
        int line = 0;
        try (BufferedReader lines = Files.newBufferedReader(dir.resolve(AuditPackage.POPULATION_JSONL),
                StandardCharsets.UTF_8)) {
            for (String text = lines.readLine(); text != null; text = lines.readLine()) {
                line++;
                String where = AuditPackage.POPULATION_JSONL + ":" + line;
                JsonNode row = tree(text);
                if (row == null) {
                    problems.add(new Report.Problem(Report.Kind.UNREADABLE, null, null, where, "not a JSON object"));
                    continue;
                }
                String deployId = row.path("deploy_id").asText();
                rows.add(deployId);
                if (!row.hasNonNull("ledger_hash")) {
                    beforeTheLedger++;
                    continue;
                }
                Held held = byVerdict.get(row.path("verdict_id").asText());
                if (held == null) {
                    problems.add(new Report.Problem(Report.Kind.UNVOUCHED, null, null, where, "deploy " + deployId
                            + ": its verdict " + row.path("verdict_id").asText() + " is not in the ledger bundle (newer"
                            + " than its chain's last checkpoint: write the package again after the next one)"));
                    continue;
                }
                if (!held.hash().equals(row.path("ledger_hash").asText())
                        || !held.status().equals(row.path("status").asText())
                        || !held.deployId().equals(deployId)) {
                    problems.add(new Report.Problem(Report.Kind.POPULATION_MISMATCH, held.chain(), held.seq(), where,
                            "deploy " + deployId + " is " + row.path("status").asText() + " with hash "
                                    + row.path("ledger_hash").asText() + " here; the ledger's verdict "
                                    + held.verdictId() + " is " + held.status() + " with hash " + held.hash()));
                    continue;
                }
                Held latest = latestByDeploy.get(deployId);
                if (latest != null && latest.revision() > held.revision()) {
                    problems.add(new Report.Problem(Report.Kind.POPULATION_MISMATCH, latest.chain(), latest.seq(), where,
                            "deploy " + deployId + " shows revision " + held.revision() + " (" + held.status()
                                    + "); the ledger's latest is revision " + latest.revision() + " ("
                                    + latest.status() + ")"));
                }
            }
        } catch (IOException e) {
            problems.add(new Report.Problem(Report.Kind.UNREADABLE, null, null, AuditPackage.POPULATION_JSONL,
                    "cannot read it: " + e.getMessage()));
            return problems;
        }
        if (beforeTheLedger > 0) {
            notes.add(beforeTheLedger + " population row(s) have verdicts written before the ledger: not vouched for");
        }

        for (Held latest : latestByDeploy.values().stream()
                .sorted(java.util.Comparator.comparing(Held::chain).thenComparingLong(Held::seq)).toList()) {
            if (rows.contains(latest.deployId()) || !latest.inScope()) {
                continue;
            }
            problems.add(new Report.Problem(Report.Kind.POPULATION_INCOMPLETE, latest.chain(), latest.seq(),
                    AuditPackage.POPULATION_JSONL, "deploy " + latest.deployId() + " (" + latest.status()
                            + ", deployed " + latest.deployedAt() + ") is in the period and"
                            + " the filters, and the ledger holds its verdict; the population leaves it out"));
        }
        return problems;
    }

    /** Whether a verdict's deploy is in the package's period and filters (as {@link AuditScope#where()} selects). */
    private static boolean inScope(JsonNode verdict, Instant start, Instant end, JsonNode filters) {
        Instant deployedAt = instant(verdict.path("deployedAt").asText(null));
        if (deployedAt == null || start == null || end == null || deployedAt.isBefore(start)
                || !deployedAt.isBefore(end)) {
            return false;
        }
        for (var filter = filters.fields(); filter.hasNext(); ) {
            var f = filter.next();
            if (!f.getValue().asText().equals(verdict.path(f.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static JsonNode manifest(Path dir) {
        try {
            return Json.mapper().readTree(Files.readAllBytes(dir.resolve(AuditPackage.MANIFEST)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static JsonNode tree(String line) {
        try {
            JsonNode tree = Json.mapper().readTree(line);
            return tree != null && tree.isObject() ? tree : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Report failed(Report.Problem problem) {
        return failed(List.of(problem));
    }

    private static Report failed(List<Report.Problem> problems) {
        return new Report(false, 0, 0, List.of(), List.copyOf(problems), List.of());
    }
}
