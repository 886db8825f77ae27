package dev.oversight.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import dev.oversight.ledger.Ledger;
import dev.oversight.ledger.LedgerKey;
import dev.oversight.ledger.kafka.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes a {@link Bundle} from the live topics. For each chain with a record the query selects, the bundle holds the
 * chain from the last checkpoint at or before its first selected record (so the bundle starts at a vouched record) to
 * the first checkpoint at or after its last selected record (so it ends at one): the records in between that the
 * query does not select are reduced to their link. Selected records newer than the chain's last checkpoint are left
 * for a later export, and the manifest says how many.
 */
public final class Export {

    /** The topics read. */
    public record Topics(String verdicts, String actions, String checkpoints) {}

    private final Map<String, Object> kafka;
    private final Topics topics;
    private final Clock clock;
    private final Consumer<String> progress;

    public Export(Map<String, Object> kafka, Topics topics, Clock clock, Consumer<String> progress) {
        this.kafka = kafka;
        this.topics = topics;
        this.clock = clock;
        this.progress = progress;
    }

    private record Rec(long seq, String chain, JsonNode tree, byte[] value) {}

    private record Cp(long seq, JsonNode tree, byte[] value) {}

    /** What was written: the manifest. */
    public JsonNode run(Query query, Path out, String source) {
        try {
            Files.createDirectories(out);
            String extractedAt = clock.instant().toString();
            Map<String, List<Cp>> checkpoints = readCheckpoints();
            ObjectNode manifest = Json.mapper().createObjectNode();
            List<String> warnings = new ArrayList<>();
            Set<String> selectedVerdicts = new HashSet<>();
            Set<String> usedKeys = new LinkedHashSet<>();
            List<byte[]> cpLines = new ArrayList<>();
            ObjectNode counts = manifest.putObject("rows");
            counts.set("verdicts", export(topics.verdicts(), Bundle.VERDICTS, out, checkpoints,
                    tree -> query.selects(tree), selectedVerdicts, usedKeys, cpLines, warnings));
            boolean all = query.equals(Query.ALL);
            counts.set("actions", export(topics.actions(), Bundle.ACTIONS, out, checkpoints,
                    tree -> all || selectedVerdicts.contains(tree.path("verdictId").asText()), null, usedKeys,
                    cpLines, warnings));
            write(out.resolve(Bundle.CHECKPOINTS), cpLines);
            counts.put("checkpoints", cpLines.size());
            StringBuilder pem = new StringBuilder();
            for (String key : usedKeys) {
                try {
                    pem.append(LedgerKey.publicPem(LedgerKey.publicKey(Base64.getDecoder().decode(key))));
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    warnings.add("a checkpoint names a public key that is not an Ed25519 key; left out");
                }
            }
            Files.writeString(out.resolve(Bundle.PUBLIC_KEYS), pem.toString());
            manifest.put("schema", 1);
            manifest.put("generator", "oversight export");
            manifest.put("source", source);
            ObjectNode q = manifest.putObject("query");
            q.put("from", query.from() == null ? null : query.from().toString());
            q.put("to", query.to() == null ? null : query.to().toString());
            q.put("environment", query.environment());
            q.put("service", query.service());
            q.put("team", query.team());
            q.put("repository", query.repository());
            q.put("selects", "verdicts decided in [from, to) matching every filter given (environment in any case),"
                    + " and the actions on them; other records of the chains exported appear as their ledger link alone");
            ObjectNode t = manifest.putObject("topics");
            t.put("verdicts", topics.verdicts());
            t.put("actions", topics.actions());
            t.put("checkpoints", topics.checkpoints());
            manifest.put("extractedAt", extractedAt);
            ArrayNode files = manifest.putArray("files");
            for (String name : List.of(Bundle.VERDICTS, Bundle.ACTIONS, Bundle.CHECKPOINTS, Bundle.PUBLIC_KEYS)) {
                byte[] content = Files.readAllBytes(out.resolve(name));
                files.addObject().put("name", name).put("bytes", content.length)
                        .put("sha256", Ledger.sha256Hex(content));
            }
            ArrayNode w = manifest.putArray("warnings");
            warnings.forEach(w::add);
            Files.writeString(out.resolve(Bundle.MANIFEST), Json.toPrettyString(manifest) + "\n");
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundle in " + out + ": " + e.getMessage(), e);
        }
    }

    private Map<String, List<Cp>> readCheckpoints() {
        Map<String, List<Cp>> byChain = new HashMap<>();
        TopicReader.read(kafka, topics.checkpoints(), n -> { }).values().forEach(list -> list.forEach(s -> {
            try {
                JsonNode tree = Json.mapper().readTree(s.value());
                byChain.computeIfAbsent(tree.path("chain").asText(), c -> new ArrayList<>())
                        .add(new Cp(tree.path("seq").asLong(), tree, s.value()));
            } catch (IOException e) {
                // not a checkpoint: nothing it could vouch for
            }
        }));
        return byChain;
    }

    /** A chained record's link, read from its value; null for a record that carries none of this chain. */
    private static Rec linked(String chain, byte[] value) {
        try {
            JsonNode tree = Json.mapper().readTree(value);
            JsonNode link = tree.path("ledger");
            if (!link.path("seq").canConvertToLong() || !chain.equals(link.path("chain").asText())) {
                return null;
            }
            return new Rec(link.path("seq").asLong(), chain, tree, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Exports one topic in two passes over it, holding no record (a year of verdicts is larger than memory): the
     * first finds the seqs each chain's selection spans, the second writes the records of each chain's vouched range,
     * as stored when selected and as their link alone otherwise.
     */
    private ObjectNode export(String topic, String file, Path out, Map<String, List<Cp>> checkpoints,
                              java.util.function.Predicate<JsonNode> selects, Set<String> selectedIds,
                              Set<String> usedKeys, List<byte[]> cpLines, List<String> warnings) throws IOException {
        long[] lastShown = {System.nanoTime()};
        java.util.function.LongConsumer shown = n -> {
            if (System.nanoTime() - lastShown[0] > 2_000_000_000L) {
                lastShown[0] = System.nanoTime();
                progress.accept("reading " + topic + ": " + n + " records so far");
            }
        };
        // Pass 1: per partition, the first and last selected seq, and how many selected ones come after the chain's
        // last checkpoint (no checkpoint vouches for them yet).
        Map<String, Long> lastCheckpoint = new HashMap<>();
        checkpoints.forEach((chain, cps) -> cps.stream().mapToLong(Cp::seq).max()
                .ifPresent(seq -> lastCheckpoint.put(chain, seq)));
        Map<Integer, long[]> spans = new TreeMap<>();
        Map<Integer, Long> afterLastCheckpoint = new TreeMap<>();
        long[] unchained = {0};
        TopicReader.forEach(kafka, topic, p -> { }, r -> {
            String chain = Ledger.chainId(topic, r.partition());
            Rec rec = linked(chain, r.value());
            if (rec == null) {
                unchained[0]++;
            } else if (selects.test(rec.tree())) {
                spans.merge(r.partition(), new long[] {rec.seq(), rec.seq()},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                Long cp = lastCheckpoint.get(chain);
                if (cp != null && rec.seq() > cp) {
                    afterLastCheckpoint.merge(r.partition(), 1L, Long::sum);
                }
            }
        }, shown);
        long waiting = 0;
        Map<Integer, long[]> ranges = new TreeMap<>();
        for (var span : spans.entrySet()) {
            String chain = Ledger.chainId(topic, span.getKey());
            long first = span.getValue()[0];
            long last = span.getValue()[1];
            List<Cp> cps = checkpoints.getOrDefault(chain, List.of());
            long start = cps.stream().mapToLong(Cp::seq).filter(s -> s <= first).max().orElse(Long.MIN_VALUE);
            long end = cps.stream().mapToLong(Cp::seq).filter(s -> s >= last).min()
                    .orElse(cps.stream().mapToLong(Cp::seq).max().orElse(last));
            if (end < last) {
                // Only when every checkpoint is older than the last selected record: then end is the last checkpoint.
                long newer = afterLastCheckpoint.getOrDefault(span.getKey(), 0L);
                waiting += newer;
                warnings.add(chain + ": " + newer + " selected record(s) are newer than the chain's last checkpoint"
                        + " (seq " + end + ") and are not in this bundle; export again after the next checkpoint");
            }
            if (cps.isEmpty()) {
                warnings.add(chain + ": no checkpoint vouches for this chain yet; the bundle will not verify");
            }
            ranges.put(span.getKey(), new long[] {start, end});
        }
        // Pass 2: each chain's range, written as it comes (each chain in seq order; chains may interleave).
        long[] counts = new long[2]; // selected, link only
        Map<Integer, long[]> written = new TreeMap<>(); // partition -> {from, to}
        try (java.io.OutputStream lines = new java.io.BufferedOutputStream(Files.newOutputStream(out.resolve(file)),
                64 * 1024)) {
            TopicReader.forEach(kafka, topic, p -> { }, r -> {
                long[] range = ranges.get(r.partition());
                Rec rec = range == null ? null : linked(Ledger.chainId(topic, r.partition()), r.value());
                if (rec == null || rec.seq() < range[0] || rec.seq() > range[1]) {
                    return;
                }
                written.merge(r.partition(), new long[] {rec.seq(), rec.seq()},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                try {
                    if (selects.test(rec.tree())) {
                        lines.write(rec.value());
                        counts[0]++;
                        if (selectedIds != null) {
                            selectedIds.add(rec.tree().path("verdictId").asText());
                        }
                    } else {
                        lines.write(Bundle.linkOnly(rec.tree()));
                        counts[1]++;
                    }
                    lines.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, shown);
        }
        Map<String, Object> chainsOut = new TreeMap<>();
        for (var range : written.entrySet()) {
            String chain = Ledger.chainId(topic, range.getKey());
            long from = range.getValue()[0];
            long to = range.getValue()[1];
            for (Cp cp : checkpoints.getOrDefault(chain, List.of())) {
                if (cp.seq() >= from && cp.seq() <= to) {
                    cpLines.add(cp.value());
                    usedKeys.add(cp.tree().path("publicKey").asText());
                }
            }
            chainsOut.put(chain, Map.of("fromSeq", from, "toSeq", to));
        }
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("selected", counts[0]);
        result.put("linkOnly", counts[1]);
        result.put("unchained", unchained[0]);
        result.put("newerThanLastCheckpoint", waiting);
        result.set("chains", Json.mapper().valueToTree(chainsOut));
        progress.accept(file + ": " + counts[0] + " records selected, " + counts[1] + " as their link alone");
        return result;
    }

    private static void write(Path file, List<byte[]> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            bytes.write(line);
            bytes.write('\n');
        }
        Files.write(file, bytes.toByteArray());
    }
}
