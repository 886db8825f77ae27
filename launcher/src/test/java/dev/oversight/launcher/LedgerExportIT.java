package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Checkpoint;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ledger.Checkpoints;
import dev.oversight.ledger.Ledger;
import dev.oversight.ledger.LedgerKey;
import dev.oversight.ledger.bundle.Bundle;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import dev.oversight.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger from end to end on a real broker: the platform decides verdicts and alerts (actions), checkpoints its
 * chains at shutdown, `oversight export` writes a bundle, `oversight verify` checks it offline; then each kind of
 * tampering, done to a copy of the bundle (and the manifest re-sealed where an attacker would), is caught and named.
 */
@ExtendWith(RealKafka.class)
class LedgerExportIT {

    private static final String SECRET = "ledger-secret";
    private static final String PREFIX = "it-ledger-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static final List<String> REPOSITORIES = List.of("acme/alpha", "acme/beta", "acme/gamma", "acme/delta",
            "acme/epsilon", "acme/zeta");

    @TempDir
    static Path dir;
    private static Path bundle;
    private static Path publicKey;
    private static Settings settings;

    @BeforeAll
    static void decideCheckpointAndExport() throws Exception {
        Path data = dir.resolve("data");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                name: ledger-it
                grace: 1s
                environments:
                  production: { protected: true, action: alert }
                """);
        settings = Settings.of(Map.of("OVERSIGHT_TOPIC_PREFIX", PREFIX));
        try (RecordingHttpServer receiver = RecordingHttpServer.start()) {
            Platform platform = Platform.start(Settings.of(Map.ofEntries(
                    Map.entry("KAFKA_BOOTSTRAP_SERVERS", RealKafka.bootstrapServers()),
                    Map.entry("OVERSIGHT_TOPIC_PREFIX", PREFIX),
                    Map.entry("OVERSIGHT_DATA_DIR", data.toString()),
                    Map.entry("OVERSIGHT_HTTP_HOST", "127.0.0.1"),
                    Map.entry("OVERSIGHT_HTTP_PORT", "0"),
                    Map.entry("OVERSIGHT_GITHUB_WEBHOOK_SECRET", SECRET),
                    Map.entry("OVERSIGHT_INGEST_INSTANCE_ID", PREFIX),
                    Map.entry("OVERSIGHT_POLICY_FILE", policy.toString()),
                    Map.entry("OVERSIGHT_POLICY_APPLICATION_ID", PREFIX + "policy"),
                    Map.entry("OVERSIGHT_WORKER_GROUP_ID", PREFIX + "worker"),
                    Map.entry("OVERSIGHT_LEDGER_CHECKPOINT_DIR", dir.resolve("worm").toString()),
                    Map.entry("OVERSIGHT_ALERT_WEBHOOK_URL", receiver.url("/hooks").toString()))));
            try {
                assertThat(platform.awaitReady(Duration.ofSeconds(90))).as("platform ready").isTrue();
                HttpClient http = HttpClient.newHttpClient();
                long id = 7000;
                for (String repository : REPOSITORIES) {
                    GitHubPayloads github = new GitHubPayloads(repository);
                    for (int i = 0; i < 2; i++) {
                        // A deploy of a commit no pull request contains: a violation, alerted.
                        var delivery = github.deploymentStatus(++id, sha(repository + i), "production", "mallory",
                                "success", Instant.now());
                        HttpResponse<String> response = http.send(delivery.request(URI.create("http://127.0.0.1:"
                                + platform.httpPort() + "/webhooks/github"), SECRET), HttpResponse.BodyHandlers.ofString());
                        assertThat(response.statusCode()).isEqualTo(202);
                    }
                }
                int deploys = REPOSITORIES.size() * 2;
                try (TopicProbe<Verdict> verdicts = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "verdicts",
                        Topics.VERDICTS.valueSerde().deserializer())) {
                    verdicts.await(list -> list.stream().filter(v -> v.status().isFinal()).count() >= deploys,
                            Duration.ofSeconds(90));
                }
                try (TopicProbe<dev.oversight.events.Action> actions = new TopicProbe<>(RealKafka.bootstrapServers(),
                        PREFIX + "actions", Topics.ACTIONS.valueSerde().deserializer())) {
                    // The newest violating deploy of each service is alerted (an older one it replaced is not).
                    actions.await(list -> list.stream().filter(a -> a.phase().isOutcome()).count()
                            >= REPOSITORIES.size(), Duration.ofSeconds(90));
                }
            } finally {
                platform.close(); // the shutdown checkpoints
            }
        }
        bundle = dir.resolve("bundle");
        Run export = run("export", "--bootstrap-servers", RealKafka.bootstrapServers(), "--out", bundle.toString());
        assertThat(export.status()).as(export.err()).isZero();
        publicKey = dir.resolve("oversight.pem");
        Run key = run("ledger", "public-key", "--data-dir", data.toString());
        assertThat(key.status()).as(key.err()).isZero();
        Files.writeString(publicKey, key.out());
    }

    private static String sha(String seed) {
        return Ledger.sha256Hex(seed.getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    }

    record Run(int status, String out, String err) {}

    private static Run run(String command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = switch (command) {
            case "export" -> LedgerCommands.export(args, settings, o, e);
            case "verify" -> LedgerCommands.verify(args, settings, o, e);
            default -> LedgerCommands.ledger(args, settings, o, e);
        };
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run verify(Path bundle) {
        return run("verify", bundle.toString(), "--public-key", publicKey.toString());
    }

    /** A copy of the clean bundle to tamper with. */
    private static Path copy(String name) throws Exception {
        Path copy = dir.resolve(name);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(bundle)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static List<String> lines(Path file) throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static void write(Path file, List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** What an attacker who can write the bundle does after changing it: the manifest's hashes made to match again. */
    private static void reseal(Path copy) throws Exception {
        ObjectNode manifest = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(copy.resolve(Bundle.MANIFEST)));
        for (JsonNode file : manifest.get("files")) {
            ((ObjectNode) file).put("sha256", Ledger.sha256Hex(Files.readAllBytes(copy.resolve(file.get("name").asText()))));
        }
        Files.writeString(copy.resolve(Bundle.MANIFEST), Json.toPrettyString(manifest));
    }

    /** The indexes of the first three lines of a chain that has at least three, in chain order. */
    private static int[] threeOfOneChain(List<String> lines) throws Exception {
        Map<String, List<Integer>> byChain = new java.util.LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            byChain.computeIfAbsent(Json.mapper().readTree(lines.get(i)).at("/ledger/chain").asText(),
                    c -> new ArrayList<>()).add(i);
        }
        return byChain.values().stream().filter(l -> l.size() >= 3).findFirst()
                .map(l -> new int[] {l.get(0), l.get(1), l.get(2)})
                .orElseThrow(() -> new AssertionError("no chain with three verdicts"));
    }

    private static Path auditPackage;

    /** The audit package of the last days, as `oversight report` writes it; once, for the tests that read it. */
    private static synchronized Path auditPackage() throws Exception {
        if (auditPackage == null) {
            Path out = dir.resolve("audit-package");
            java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int status = ReportCommand.run(new String[] {"--from", today.minusDays(1).toString(), "--to",
                    today.plusDays(1).toString(), "--out", out.toString(), "--bootstrap-servers",
                    RealKafka.bootstrapServers()}, settings, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8));
            assertThat(status).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
            auditPackage = out;
        }
        return auditPackage;
    }

    /** A copy of the audit package, folders and all, to tamper with. */
    private static Path copyOfPackage(String name) throws Exception {
        Path from = auditPackage();
        Path copy = dir.resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return copy;
    }

    @Test
    void theAuditPackageVerifiesWithItsLedgerBundleAndEachPopulationRowIsTheLedgersVerdict() throws Exception {
        Path pkg = auditPackage();
        assertThat(pkg.resolve("ledger").resolve(Bundle.VERDICTS)).isRegularFile();
        List<String> population = lines(pkg.resolve("population.jsonl"));
        assertThat(population).hasSizeGreaterThanOrEqualTo(REPOSITORIES.size() * 2).allSatisfy(line ->
                assertThat(Json.mapper().readTree(line).get("ledger_hash").asText()).hasSize(64));
        Run verified = verify(pkg);
        assertThat(verified.status()).as(verified.out()).isZero();
        assertThat(verified.out()).startsWith("verified: ");

        // As the report service serves it: a zip holding the package's folder.
        Path zip = dir.resolve("package.zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip));
             Stream<Path> files = Files.walk(pkg)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.zip.ZipEntry("oversight-audit/" + pkg.relativize(f).toString()));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        Run zipped = verify(zip);
        assertThat(zipped.status()).as(zipped.out()).isZero();
        assertThat(zipped.out()).isEqualTo(verified.out());

        // One file of the package changed and the manifest left as it was: the file is named.
        Path changedFile = copyOfPackage("package-changed-file");
        Path summary = changedFile.resolve("summary.html");
        Files.writeString(summary, Files.readString(summary).replace("</body>", "<p>all good</p></body>"));
        Run changed = verify(changedFile);
        assertThat(changed.status()).isEqualTo(1);
        assertThat(changed.out()).contains("MANIFEST_MISMATCH at summary.html");
    }

    @Test
    void aPopulationRowMadeCompliantOrLeftOutIsCaughtByTheLedgerEvenWithTheManifestResealed() throws Exception {
        // An insider rewrites one violation as compliant and reseals the (unsigned) manifest.
        Path forged = copyOfPackage("package-forged");
        List<String> rows = lines(forged.resolve("population.jsonl"));
        int violation = java.util.stream.IntStream.range(0, rows.size())
                .filter(i -> rows.get(i).contains("\"status\":\"VIOLATION\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no violation in the population"));
        String deployId = Json.mapper().readTree(rows.get(violation)).get("deploy_id").asText();
        rows.set(violation, rows.get(violation).replace("\"status\":\"VIOLATION\"", "\"status\":\"COMPLIANT\""));
        write(forged.resolve("population.jsonl"), rows);
        reseal(forged);
        Run caught = verify(forged);
        assertThat(caught.status()).as(caught.out()).isEqualTo(1);
        assertThat(caught.out()).contains("POPULATION_MISMATCH").contains("deploy " + deployId + " is COMPLIANT");

        // The same deploy left out of the population instead: the ledger holds its verdict, so it is missed.
        Path partial = copyOfPackage("package-partial");
        List<String> kept = lines(partial.resolve("population.jsonl"));
        kept.remove(violation);
        write(partial.resolve("population.jsonl"), kept);
        reseal(partial);
        Run incomplete = verify(partial);
        assertThat(incomplete.status()).as(incomplete.out()).isEqualTo(1);
        assertThat(incomplete.out()).contains("POPULATION_INCOMPLETE").contains("deploy " + deployId + " (VIOLATION");
    }

    @Test
    void theAuditPackageNamesTheLedgerHeadsAndTheSignedCheckpointsTheExportVerifies() throws Exception {
        Path out = auditPackage();
        JsonNode ledger = Json.mapper().readTree(Files.readAllBytes(out.resolve("manifest.json"))).get("ledger");
        assertThat(ledger.get("status").asText()).isEqualTo("available");
        // The heads the package names are the ends of the chains in the exported bundle, which verifies.
        Map<String, Long> bundleHeads = new java.util.TreeMap<>();
        for (Path file : List.of(bundle.resolve(Bundle.VERDICTS), bundle.resolve(Bundle.ACTIONS))) {
            for (String line : lines(file)) {
                JsonNode link = Json.mapper().readTree(line).get("ledger");
                bundleHeads.merge(link.get("chain").asText(), link.get("seq").asLong(), Math::max);
            }
        }
        Map<String, Long> packageHeads = new java.util.TreeMap<>();
        ledger.get("heads").forEach(h -> {
            if (h.get("seq").asLong() > 0) {
                packageHeads.put(h.get("chain").asText(), h.get("seq").asLong());
            }
        });
        assertThat(packageHeads).isEqualTo(bundleHeads);
        // And each chain's newest checkpoint, signed: it vouches for that head.
        assertThat(ledger.get("checkpoints")).isNotEmpty().allSatisfy(checkpoint -> {
            assertThat(checkpoint.get("seq").asLong()).isEqualTo(packageHeads.get(checkpoint.get("chain").asText()));
            assertThat(checkpoint.get("signature").asText()).isNotBlank();
        });
    }

    @Test
    void theRawGitHubDeliveriesAreProvenSignedByGitHubAndATamperedOneIsNamed() throws Exception {
        int deliveries = REPOSITORIES.size() * 2;
        Path secret = dir.resolve("github-secret");
        Files.writeString(secret, "an-older-secret\n" + SECRET + "\n");
        Run clean = run("verify", "--raw", "--github-secret-file", secret.toString(), "--bootstrap-servers",
                RealKafka.bootstrapServers());
        assertThat(clean.status()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).startsWith("raw deliveries verified: " + deliveries + " raw deliveries read; from GitHub "
                + deliveries + " signed by the secret(s) given, 0 do not match, 0 unsigned");

        Path wrong = dir.resolve("wrong-secret");
        Files.writeString(wrong, "not-the-secret\n");
        Run unproven = run("verify", "--raw", "--github-secret-file", wrong.toString(), "--bootstrap-servers",
                RealKafka.bootstrapServers());
        assertThat(unproven.status()).isEqualTo(1);
        assertThat(unproven.out()).contains("from GitHub 0 signed by the secret(s) given, " + deliveries
                + " do not match");

        // One delivery again with one byte of its body changed, its headers (and GitHub's signature) as they were:
        // what someone with write access to the topic would do to alter the evidence.
        String topic = PREFIX + "raw";
        ConsumerRecord<byte[], byte[]> original;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", RealKafka.bootstrapServers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            original = Await.until("a raw delivery", () -> consumer.poll(Duration.ofMillis(200)),
                    records -> !records.isEmpty(), Duration.ofSeconds(30)).iterator().next();
        }
        byte[] changed = original.value().clone();
        int at = new String(changed, StandardCharsets.ISO_8859_1).indexOf("mallory");
        assertThat(at).as("the deployer's login in the body").isPositive();
        changed[at] = 'M';
        long offset;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", RealKafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            offset = producer.send(new ProducerRecord<>(topic, original.partition(), original.key(), changed,
                    original.headers())).get().offset();
        }
        Run tampered = run("verify", "--raw", "--github-secret-file", secret.toString(), "--bootstrap-servers",
                RealKafka.bootstrapServers());
        assertThat(tampered.status()).isEqualTo(1);
        assertThat(tampered.out()).startsWith("raw deliveries NOT verified: " + (deliveries + 1)
                + " raw deliveries read; from GitHub " + deliveries + " signed by the secret(s) given, 1 do not match");
        assertThat(tampered.out()).contains(topic + "/" + original.partition() + "@" + offset + " (delivery ")
                .contains("mismatch");
    }

    @Test
    void aCleanExportVerifiesOfflineAndTheLiveTopicsToo() throws Exception {
        Run verified = verify(bundle);
        assertThat(verified.status()).as(verified.out()).isZero();
        assertThat(verified.out()).startsWith("verified: ");
        JsonNode manifest = Json.mapper().readTree(Files.readAllBytes(bundle.resolve(Bundle.MANIFEST)));
        assertThat(manifest.at("/rows/verdicts/selected").asLong()).isGreaterThanOrEqualTo(REPOSITORIES.size() * 2L);
        assertThat(manifest.at("/rows/actions/selected").asLong()).isGreaterThanOrEqualTo(REPOSITORIES.size());
        assertThat(manifest.get("files")).hasSize(4);
        // Every verdict line is the record's value as stored, with its link.
        for (String line : lines(bundle.resolve(Bundle.VERDICTS))) {
            assertThat(Json.fromString(line, Verdict.class).ledger()).isNotNull();
        }
        // The second place holds the same checkpoints, signed.
        try (Stream<Path> files = Files.list(dir.resolve("worm"))) {
            List<String> kept = new ArrayList<>();
            for (Path f : files.toList()) {
                kept.addAll(Files.readAllLines(f));
            }
            assertThat(kept).isNotEmpty().allSatisfy(line -> assertThat(Checkpoints.check(Json.mapper().readTree(line),
                    Map.of(LedgerKey.keyId(LedgerKey.readPublicKeys(publicKey).get(0)),
                            LedgerKey.readPublicKeys(publicKey).get(0)))).isEqualTo(Checkpoints.Check.VALID));
        }
        Run json = run("verify", bundle.toString(), "--json");
        assertThat(json.status()).isZero();
        assertThat(Json.mapper().readTree(json.out()).get("ok").asBoolean()).isTrue();
        Run live = run("verify", "--bootstrap-servers", RealKafka.bootstrapServers(), "--public-key",
                publicKey.toString());
        assertThat(live.status()).as(live.out()).isZero();
    }

    @Test
    void aFilteredExportShowsTheOthersAsLinksAndStillVerifies() throws Exception {
        Path filtered = dir.resolve("filtered");
        Run export = run("export", "--bootstrap-servers", RealKafka.bootstrapServers(), "--out", filtered.toString(),
                "--repository", "github:acme/alpha");
        assertThat(export.status()).as(export.err()).isZero();
        List<String> verdicts = lines(filtered.resolve(Bundle.VERDICTS));
        assertThat(verdicts).anySatisfy(l -> assertThat(l).contains("\"repository\":\"github:acme/alpha\""));
        assertThat(verdicts).noneSatisfy(l -> assertThat(l).contains("acme/beta"));
        Run verified = verify(filtered);
        assertThat(verified.status()).as(verified.out()).isZero();
    }

    @Test
    void oneChangedByteOfOneVerdictIsNamed() throws Exception {
        Path copy = copy("changed");
        List<String> verdicts = lines(copy.resolve(Bundle.VERDICTS));
        int i = threeOfOneChain(verdicts)[1];
        verdicts.set(i, verdicts.get(i).replace("mallory", "mallorx"));
        write(copy.resolve(Bundle.VERDICTS), verdicts);
        reseal(copy);
        Run run = verify(copy);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("CHANGED").contains(Bundle.VERDICTS + ":" + (i + 1));
    }

    @Test
    void aDeletedVerdictIsAGapWhereverItWas() throws Exception {
        List<String> clean = lines(bundle.resolve(Bundle.VERDICTS));
        int[] three = threeOfOneChain(clean);
        for (int which : new int[] {1, 0}) { // in the middle of its chain, then its first
            Path copy = copy("deleted-" + which);
            List<String> verdicts = lines(copy.resolve(Bundle.VERDICTS));
            JsonNode deleted = Json.mapper().readTree(verdicts.get(three[which]));
            verdicts.remove(three[which]);
            write(copy.resolve(Bundle.VERDICTS), verdicts);
            reseal(copy);
            Run run = verify(copy);
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.out()).contains("GAP " + deleted.at("/ledger/chain").asText() + " seq "
                    + deleted.at("/ledger/seq").asLong());
        }
    }

    @Test
    void twoSwappedVerdictsAreOutOfOrder() throws Exception {
        Path copy = copy("swapped");
        List<String> verdicts = lines(copy.resolve(Bundle.VERDICTS));
        int[] three = threeOfOneChain(verdicts);
        Collections.swap(verdicts, three[1], three[2]);
        write(copy.resolve(Bundle.VERDICTS), verdicts);
        reseal(copy);
        Run run = verify(copy);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("REORDERED");
    }

    @Test
    void anAppendedVerdictIsCaughtWithAForgedHashAndWithACorrectOne() throws Exception {
        Path copy = copy("appended");
        List<String> verdicts = lines(copy.resolve(Bundle.VERDICTS));
        Verdict last = Json.fromString(verdicts.get(verdicts.size() - 1), Verdict.class);
        Verdict forged = Ledger.link(last::withLedger, last.ledger().chain(), Ledger.headOf(last.ledger()));
        List<String> wrongHash = new ArrayList<>(verdicts);
        wrongHash.add(Json.toString(forged.withLedger(forged.ledger().withHash("ab".repeat(32)))));
        write(copy.resolve(Bundle.VERDICTS), wrongHash);
        reseal(copy);
        Run run = verify(copy);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("CHANGED " + last.ledger().chain() + " seq " + (last.ledger().seq() + 1));

        verdicts.add(Json.toString(forged));
        write(copy.resolve(Bundle.VERDICTS), verdicts);
        reseal(copy);
        Run correct = verify(copy);
        assertThat(correct.status()).isEqualTo(1);
        assertThat(correct.out()).contains("UNVOUCHED " + last.ledger().chain() + " seq " + (last.ledger().seq() + 1));
    }

    @Test
    void aCheckpointReSignedWithAnotherKeyIsNotTrusted() throws Exception {
        Path copy = copy("resigned");
        List<String> checkpoints = lines(copy.resolve(Bundle.CHECKPOINTS));
        Checkpoint original = Json.fromString(checkpoints.get(0), Checkpoint.class);
        LedgerKey other = LedgerKey.loadOrCreate(dir.resolve("attacker.pem"));
        checkpoints.set(0, Json.toString(Checkpoints.sign(other, original.origin(), original.chain(), original.seq(),
                original.head(), original.time(), original.policyVersions())));
        write(copy.resolve(Bundle.CHECKPOINTS), checkpoints);
        // The attacker's key in the bundle too: only the key the auditor obtained apart tells.
        Files.writeString(copy.resolve(Bundle.PUBLIC_KEYS), other.publicPem());
        reseal(copy);
        Run run = verify(copy);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("UNTRUSTED_KEY " + original.chain() + " seq " + original.seq())
                .contains(Bundle.CHECKPOINTS + ":1");
    }

    @Test
    void aWrongHashInTheManifestIsNamed() throws Exception {
        Path copy = copy("manifest");
        ObjectNode manifest = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(copy.resolve(Bundle.MANIFEST)));
        for (JsonNode file : manifest.get("files")) {
            if (file.get("name").asText().equals(Bundle.ACTIONS)) {
                ((ObjectNode) file).put("sha256", "0".repeat(64));
            }
        }
        Files.writeString(copy.resolve(Bundle.MANIFEST), Json.toPrettyString(manifest));
        Run run = verify(copy);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("MANIFEST_MISMATCH at " + Bundle.ACTIONS);
    }
}
