package dev.oversight.launcher;

import dev.oversight.events.kafka.Topics;
import dev.oversight.ledger.LedgerConfig;
import dev.oversight.ledger.LedgerKey;
import dev.oversight.ledger.Report;
import dev.oversight.ledger.Verifier;
import dev.oversight.ledger.bundle.Bundle;
import dev.oversight.report.audit.AuditPackageCheck;
import dev.oversight.report.audit.LedgerEvidence;
import dev.oversight.ledger.bundle.Export;
import dev.oversight.ledger.bundle.Query;
import dev.oversight.ledger.kafka.TopicReader;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.LedgerSettings;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code oversight export}, {@code oversight verify} and {@code oversight ledger public-key} (ledger/README.md). */
final class LedgerCommands {

    static final String EXPORT_HELP = """
            Usage: oversight export --bootstrap-servers HOST:PORT --out DIR [--from T] [--to T]
                                    [--environment E] [--service S] [--team T] [--repository R]

            Writes an evidence bundle for auditors into DIR: the verdicts decided in the period (and matching every
            filter given) and the actions taken on them, as JSON Lines exactly as stored on Kafka (verdicts.jsonl,
            actions.jsonl), the signed checkpoints that vouch for them (checkpoints.jsonl), the public keys that
            signed those (public-keys.pem) and manifest.json: the query, the period, the row counts, the SHA-256 of
            every file and the time of extraction. The records of the same chains that the query leaves out are
            written as their ledger link alone (seq, prevHash, hash), so the chain still verifies without revealing
            them. `oversight verify DIR` checks the bundle, offline.

            Options:
              --bootstrap-servers HOST:PORT   the Kafka cluster (or KAFKA_BOOTSTRAP_SERVERS); required
              --out DIR                       where to write the bundle (created; files in it are replaced)
              --from T, --to T                the period [from, to) of the verdicts' decision time: an ISO instant
                                              (2026-01-01T00:00:00Z) or a date (2026-01-01, midnight UTC)
              --environment E, --service S, --team T, --repository R   only verdicts of these
              --help                          this text

            Topic names follow OVERSIGHT_TOPIC_PREFIX. Progress goes to stderr.
            Exit status: 0 the bundle is written; 1 it could not be (Kafka unreachable, a topic missing);
            2 the command line is wrong.
            """;

    static final String VERIFY_HELP = """
            Usage: oversight verify DIR|ZIP [--public-key FILE] [--json]
                   oversight verify --bootstrap-servers HOST:PORT [--public-key FILE] [--json]
                   oversight verify --raw --github-secret-file FILE --bootstrap-servers HOST:PORT [--json]

            Checks the tamper-evident ledger: recomputes every record's hash, checks every link of every chain and
            that signed checkpoints vouch for the records. It names the first broken seq of each chain and each
            problem: a record changed after the fact, a deleted record (a gap), records out of order, records
            appended after the last checkpoint, a checkpoint with a bad signature or an untrusted key, and, for a
            bundle, a file whose SHA-256 is not the manifest's. A chain whose beginning was removed by retention is
            verified from the earliest checkpoint that covers what is left, and the report says so.

            DIR is a bundle written by `oversight export`, or an audit package (`oversight report`, or the report
            service's /reports/audit, unzipped or as the ZIP it downloads); either is checked offline, with nothing
            else. For an audit package,
            also: the SHA-256 of each of its files, its ledger bundle (ledger/), and its population against the
            ledger: each deploy's final verdict must be the ledger's record with the same hash and status, and every
            deploy of the period and filters whose verdicts the ledger holds must be in it. With
            --bootstrap-servers the live topics are checked instead (records written since the last checkpoint are
            then listed, not failed: they wait for the next checkpoint).

            With --raw, the evidence itself is checked instead: every GitHub delivery kept on oversight.raw (the body
            byte for byte as received, with GitHub's X-Hub-Signature-256 header) must be signed by GitHub under the
            webhook secret; a delivery whose body or signature was changed, or that carries no signature, is named
            by its partition, offset and delivery id. Deliveries from other sources carry no GitHub signature and are
            counted, not checked.

            Options:
              --raw               check the raw GitHub deliveries' signatures (needs --bootstrap-servers)
              --github-secret-file FILE
                                  the GitHub webhook secret, one per line (several when it was rotated)
              --public-key FILE   the public key(s) to trust (PEM; `oversight ledger public-key` prints Oversight's).
                                  Without it: the bundle's public-keys.pem, or on live topics this machine's ledger key
              --json              the whole report as JSON on stdout, instead of the summary and problem lines
              --help              this text

            Exit status: 0 everything holds; 1 something does not (or it could not be checked); 2 the command line
            is wrong.
            """;

    static final String LEDGER_HELP = """
            Usage: oversight ledger public-key [--data-dir DIR]

            Prints the public half of the key that signs ledger checkpoints (PEM), from OVERSIGHT_LEDGER_KEY_FILE or
            <data dir>/ledger/ledger-key.pem, where policy-stream and the worker make it on their first start. Give
            it to auditors through another channel than the bundles, for `oversight verify --public-key`.

            Exit status: 0 printed; 1 there is no key (yet); 2 the command line is wrong.
            """;

    private LedgerCommands() {}

    /** Options of the form {@code --name value} (or {@code --name=value}), each under its own name; flags; positionals. */
    private static OversightCli.CommandLine parse(String[] args, Set<String> withValue, Set<String> flags) {
        Map<String, String> valued = new HashMap<>();
        withValue.forEach(name -> valued.put(name, name));
        return OversightCli.parse(args, valued, flags, true);
    }

    private static KafkaConnection kafka(Settings settings, String bootstrap) {
        Map<String, String> overrides = new HashMap<>();
        if (bootstrap != null) {
            overrides.put(KafkaConnection.BOOTSTRAP.name(), bootstrap);
        }
        KafkaConnection kafka = ConfigReader.read(settings.with(overrides),
                c -> KafkaConnection.read(c, null));
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            throw new OversightCli.UsageException("--bootstrap-servers HOST:PORT is required");
        }
        return kafka;
    }

    /** @param settings the environment (and config file): Kafka's settings and the topic prefix */
    static int export(String[] raw, Settings settings, PrintStream out, PrintStream err) {
        OversightCli.CommandLine args = parse(raw, Set.of("--bootstrap-servers", "--out", "--from", "--to", "--environment",
                "--service", "--team", "--repository"), Set.of());
        if (!args.positional().isEmpty()) {
            throw new OversightCli.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        String outDir = args.options().get("--out");
        if (outDir == null) {
            throw new OversightCli.UsageException("--out DIR is required");
        }
        Map<String, String> o = args.options();
        Query query = new Query(instant(o.get("--from"), "--from"), instant(o.get("--to"), "--to"),
                o.get("--environment"), o.get("--service"), o.get("--team"), o.get("--repository"));
        KafkaConnection kafka = kafka(settings, o.get("--bootstrap-servers"));
        Export export = new Export(kafka.common("oversight-export"), topics(kafka), Clock.systemUTC(), err::println);
        var manifest = export.run(query, Path.of(outDir), kafka.bootstrapServers());
        var rows = manifest.path("rows");
        out.printf("Exported %d verdicts and %d actions (%d and %d others as their link alone), %d checkpoints to %s%n",
                rows.path("verdicts").path("selected").asLong(), rows.path("actions").path("selected").asLong(),
                rows.path("verdicts").path("linkOnly").asLong(), rows.path("actions").path("linkOnly").asLong(),
                rows.path("checkpoints").asLong(), outDir);
        manifest.path("warnings").forEach(w -> err.println("warning: " + w.asText()));
        return 0;
    }

    private static Export.Topics topics(KafkaConnection kafka) {
        return LedgerEvidence.topics(kafka);
    }

    private static Instant instant(String text, String option) {
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new OversightCli.UsageException(option + " takes an ISO instant (2026-01-01T00:00:00Z) or a date"
                    + " (2026-01-01), not '" + text + "'");
        }
    }

    static int verify(String[] raw, Settings settings, PrintStream out, PrintStream err) {
        OversightCli.CommandLine args = parse(raw, Set.of("--bootstrap-servers", "--public-key", "--github-secret-file"),
                Set.of("--json", "--raw"));
        String bootstrap = args.options().get("--bootstrap-servers");
        if (args.options().containsKey("--raw")) {
            return verifyRaw(args, settings, out, err);
        }
        if (args.options().containsKey("--github-secret-file")) {
            throw new OversightCli.UsageException("--github-secret-file goes with --raw");
        }
        if (args.positional().size() > 1 || (bootstrap == null) == args.positional().isEmpty()) {
            throw new OversightCli.UsageException("give either a bundle directory or --bootstrap-servers HOST:PORT");
        }
        Optional<List<PublicKey>> keys = Optional.ofNullable(args.options().get("--public-key"))
                .map(f -> LedgerKey.readPublicKeys(Path.of(f)));
        Report report;
        if (bootstrap != null) {
            report = live(kafka(settings, bootstrap), keys.orElseGet(() -> localKeys(settings)), err);
        } else {
            Path dir = Path.of(args.positional().get(0));
            if (Files.isRegularFile(dir)) {
                report = verifyZip(dir, keys);
            } else if (!Files.isDirectory(dir)) {
                throw new OversightCli.UsageException(dir + " is neither a directory nor a zip archive");
            } else {
                report = AuditPackageCheck.isPackage(dir) ? AuditPackageCheck.verify(dir, keys)
                        : Bundle.verify(dir, keys);
            }
        }
        if (args.options().containsKey("--json")) {
            out.println(report.toJson());
        } else {
            out.println(report.summary());
            report.problems().forEach(p -> out.println("  " + p));
            report.notes().forEach(n -> out.println("  note: " + n));
        }
        return report.ok() ? 0 : 1;
    }

    /** An audit package as the report service serves it: unpacked into a temporary folder, checked, removed. */
    private static Report verifyZip(Path zip, Optional<List<PublicKey>> keys) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("oversight-verify-");
            return AuditPackageCheck.verify(AuditPackageCheck.unzip(zip, dir), keys);
        } catch (java.io.IOException e) {
            throw new OversightCli.UsageException(e.getMessage());
        } finally {
            if (dir != null) {
                try {
                    Demo.deleteRecursively(dir);
                } catch (java.io.IOException e) {
                    // a temporary folder left behind: nothing to check there
                }
            }
        }
    }

    private static int verifyRaw(OversightCli.CommandLine args, Settings settings, PrintStream out, PrintStream err) {
        String bootstrap = args.options().get("--bootstrap-servers");
        if (bootstrap == null || !args.positional().isEmpty()) {
            throw new OversightCli.UsageException("--raw checks the live raw topic: give --bootstrap-servers HOST:PORT"
                    + " (an export bundle holds no raw deliveries)");
        }
        String secretFile = args.options().get("--github-secret-file");
        if (secretFile == null) {
            throw new OversightCli.UsageException("--raw needs --github-secret-file FILE (the webhook secret)");
        }
        List<byte[]> secrets = RawVerification.secrets(Path.of(secretFile));
        KafkaConnection kafka = kafka(settings, bootstrap);
        RawVerification result = RawVerification.run(kafka.common("oversight-verify"),
                kafka.topic(dev.oversight.events.kafka.Topics.RAW).name(), secrets, err);
        if (args.options().containsKey("--json")) {
            out.println(result.toJson());
        } else {
            out.println(result.summary());
            result.problems().forEach(p -> out.println("  " + p));
        }
        return result.ok() ? 0 : 1;
    }

    private static List<PublicKey> localKeys(Settings settings) {
        Path file = keyFile(settings, null);
        if (!Files.isRegularFile(file)) {
            throw new OversightCli.UsageException("no ledger key at " + file + " to check the checkpoints with; give"
                    + " --public-key FILE");
        }
        return List.of(LedgerKey.read(file).publicKey());
    }

    private static Report live(KafkaConnection kafka, List<PublicKey> keys, PrintStream err) {
        Export.Topics topics = topics(kafka);
        List<Verifier.Entry> records = new ArrayList<>();
        for (String topic : List.of(topics.verdicts(), topics.actions())) {
            TopicReader.read(kafka.common("oversight-verify"), topic, n -> { }).values()
                    .forEach(list -> list.forEach(s -> records.add(new Verifier.Entry(s.where(topic), s.value()))));
            err.println("read " + topic);
        }
        List<Verifier.Entry> checkpoints = new ArrayList<>();
        TopicReader.read(kafka.common("oversight-verify"), topics.checkpoints(), n -> { }).values()
                .forEach(list -> list.forEach(s -> checkpoints.add(new Verifier.Entry(s.where(topics.checkpoints()),
                        s.value()))));
        return new Verifier(keys, true).verify(records, checkpoints);
    }

    private static Path keyFile(Settings settings, String dataDir) {
        Map<String, String> overrides = new HashMap<>();
        if (dataDir != null) {
            overrides.put(CommonSettings.DATA_DIR.name(), dataDir);
        }
        LedgerConfig config = ConfigReader.read(settings.with(overrides), LedgerSettings::read);
        return config.keyFile();
    }

    static int ledger(String[] raw, Settings settings, PrintStream out, PrintStream err) {
        OversightCli.CommandLine args = parse(raw, Set.of("--data-dir"), Set.of());
        if (args.positional().size() != 1 || !args.positional().get(0).equals("public-key")) {
            throw new OversightCli.UsageException("the ledger command is: oversight ledger public-key");
        }
        Path file = keyFile(settings, args.options().get("--data-dir"));
        if (!Files.isRegularFile(file)) {
            err.println("oversight: there is no ledger key at " + file + " yet: policy-stream and the worker make it"
                    + " on their first start (or set OVERSIGHT_LEDGER_KEY_FILE)");
            return 1;
        }
        LedgerKey key = LedgerKey.read(file);
        out.print(key.publicPem());
        err.println("key id " + key.keyId() + " (" + file + ")");
        return 0;
    }
}
