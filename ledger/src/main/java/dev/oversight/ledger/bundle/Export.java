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

    private ObjectNode export(String topic, String file, Path out, Map<String, List<Cp>> checkpoints,
                              java.util.function.Predicate<JsonNode> selects, Set<String> selectedIds,
                              Set<String> usedKeys, List<byte[]> cpLines, List<String> warnings) throws IOException {
        long[] lastShown = {System.nanoTime()};
        Map<Integer, List<TopicReader.Stored>> stored = TopicReader.read(kafka, topic, n -> {
            if (System.nanoTime() - lastShown[0] > 2_000_000_000L) {
                lastShown[0] = System.nanoTime();
                progress.accept("reading " + topic + ": " + n + " records so far");
            }
        });
        ObjectNode counts = Json.mapper().createObjectNode();
        long selected = 0;
        long linkOnly = 0;
        long unchained = 0;
        long waiting = 0;
        List<byte[]> lines = new ArrayList<>();
        Map<String, Object> chainsOut = new TreeMap<>();
        for (var partition : stored.entrySet()) {
            String chain = Ledger.chainId(topic, partition.getKey());
            List<Rec> recs = new ArrayList<>();
            for (TopicReader.Stored s : partition.getValue()) {
                JsonNode tree = Json.mapper().readTree(s.value());
                JsonNode link = tree.path("ledger");
                if (!link.path("seq").canConvertToLong() || !chain.equals(link.path("chain").asText())) {
                    unchained++;
                    continue;
                }
                recs.add(new Rec(link.path("seq").asLong(), chain, tree, s.value()));
            }
            List<Long> matches = recs.stream().filter(r -> selects.test(r.tree())).map(Rec::seq).toList();
            if (matches.isEmpty()) {
                continue;
            }
            long first = matches.get(0);
            long last = matches.get(matches.size() - 1);
            List<Cp> cps = checkpoints.getOrDefault(chain, List.of());
            long start = cps.stream().mapToLong(Cp::seq).filter(s -> s <= first).max().orElse(Long.MIN_VALUE);
            long end = cps.stream().mapToLong(Cp::seq).filter(s -> s >= last).min()
                    .orElse(cps.stream().mapToLong(Cp::seq).max().orElse(last));
            if (end < last) {
                long newer = matches.stream().filter(s -> s > end).count();
                waiting += newer;
                warnings.add(chain + ": " + newer + " selected record(s) are newer than the chain's last checkpoint"
                        + " (seq " + end + ") and are not in this bundle; export again after the next checkpoint");
            }
            if (cps.isEmpty()) {
                warnings.add(chain + ": no checkpoint vouches for this chain yet; the bundle will not verify");
            }
            long from = Long.MAX_VALUE;
            long to = 0;
            for (Rec r : recs) {
                if (r.seq() < start || r.seq() > end) {
                    continue;
                }
                from = Math.min(from, r.seq());
                to = Math.max(to, r.seq());
                if (selects.test(r.tree())) {
                    lines.add(r.value());
                    selected++;
                    if (selectedIds != null) {
                        selectedIds.add(r.tree().path("verdictId").asText());
                    }
                } else {
                    lines.add(Bundle.linkOnly(r.tree()));
                    linkOnly++;
                }
            }
            long cpFrom = from;
            long cpTo = to;
            for (Cp cp : cps) {
                if (cp.seq() >= cpFrom && cp.seq() <= cpTo) {
                    cpLines.add(cp.value());
                    usedKeys.add(cp.tree().path("publicKey").asText());
                }
            }
            chainsOut.put(chain, Map.of("fromSeq", from, "toSeq", to));
        }
        write(out.resolve(file), lines);
        counts.put("selected", selected);
        counts.put("linkOnly", linkOnly);
        counts.put("unchained", unchained);
        counts.put("newerThanLastCheckpoint", waiting);
        counts.set("chains", Json.mapper().valueToTree(chainsOut));
        progress.accept(file + ": " + selected + " records selected, " + linkOnly + " as their link alone");
        return counts;
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
