package dev.oversight.launcher;

import dev.oversight.report.audit.AuditPackage;
import dev.oversight.report.audit.AuditScope;
import dev.oversight.report.audit.KafkaExtract;
import dev.oversight.report.audit.PackageOutput;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code oversight report}: the audit package of a period, read straight from the Kafka cluster (no running
 * Oversight needed) into a directory.
 */
final class ReportCommand {

    static final String HELP = """
            Usage: oversight report --from DAY --to DAY --out DIR [--team T] [--service S] [--environment E]
                                    [--repository R] [--sample N] [--seed S] [--bootstrap-servers HOST:PORT]

            Writes the audit package of a period into DIR, read from the Kafka cluster's verdicts and actions
            topics (every record committed on them when it starts; a progress bar on stderr while it reads):

              population.csv, population.jsonl   every deploy of the period with its final verdict
              sample.csv, evidence/*.html|.pdf   a seeded random sample, one evidence page per sampled deploy
              exceptions.csv                     every violation and emergency deploy, its state and actions
              summary.html, summary.pdf          compliance rate, trend by week, exceptions, time to remediate
              manifest.json                      source, query, period, filters, row counts, seed, SHA-256 of
                                                 every file

            The same package comes from a running Oversight as GET /reports/audit?from=…&to=….

            Options:
              --from DAY, --to DAY            the period: days as YYYY-MM-DD in UTC, both included, on the
                                              time of the deploy
              --out DIR                       where to write the package: a new or empty directory
              --team, --service, --environment, --repository
                                              only the deploys with this value
              --sample N                      deploys in the sample (default %1$d, at most %2$d)
              --seed S                        the sample's seed (a whole number); the same seed on the same
                                              population draws the same sample. Default: a random one, recorded
                                              in manifest.json
              --bootstrap-servers HOST:PORT   the Kafka cluster (%3$s); topic names follow %4$s
              --help                          this text

            Exit status: 0 the package is written; 1 it could not be (Kafka unreachable, no such topics, DIR not
            writable); 2 the command line or the configuration is wrong.
            """.formatted(AuditScope.DEFAULT_SAMPLE, AuditScope.MAX_SAMPLE, KafkaConnection.BOOTSTRAP,
            KafkaConnection.TOPIC_PREFIX);

    /** Each option and the name it has in the scope (as in the URL's query); the cluster is a setting. */
    private static final Map<String, String> OPTIONS = options();

    private static Map<String, String> options() {
        Map<String, String> o = new HashMap<>();
        for (String name : List.of("from", "to", "out", "team", "service", "environment", "repository", "sample",
                "seed")) {
            o.put("--" + name, name);
        }
        o.put("--bootstrap-servers", KafkaConnection.BOOTSTRAP.name());
        return o;
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private ReportCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return run(args, Settings.fromEnvironment(), out, err);
    }

    /** With the settings given instead of the environment's (the topic prefix, Kafka's security). */
    static int run(String[] args, Settings base, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> options = OversightCli.options(args, OPTIONS);
        String dir = options.get("out");
        if (dir == null) {
            throw new OversightCli.UsageException("--out DIR is required");
        }
        AuditScope scope;
        try {
            scope = AuditScope.parse(options::get);
        } catch (AuditScope.Invalid e) {
            throw new OversightCli.UsageException(e.getMessage());
        }
        Map<String, String> settings = new HashMap<>();
        if (options.containsKey(KafkaConnection.BOOTSTRAP.name())) {
            settings.put(KafkaConnection.BOOTSTRAP.name(), options.get(KafkaConnection.BOOTSTRAP.name()));
        }
        KafkaConnection kafka = ConfigReader.read(base.with(settings),
                config -> KafkaConnection.read(config, null));
        Path target = Path.of(dir);
        if (Files.exists(target) && !isEmptyDirectory(target)) {
            err.println("oversight: " + target + " is not an empty directory; name a new one for the package");
            return 1;
        }
        Progress progress = new Progress(err, System.console() != null);
        Level projectionLevel = org.apache.logging.log4j.LogManager.getLogger("dev.oversight.report").getLevel();
        Configurator.setLevel("dev.oversight.report", Level.WARN);
        AuditPackage.Result result;
        try (PackageOutput files = PackageOutput.directory(target)) {
            result = new KafkaExtract(kafka, CONNECT_TIMEOUT).write(scope, commandLine(args),
                    new AuditPackage(Clock.systemUTC()), files, progress);
        } finally {
            progress.end();
            Configurator.setLevel("dev.oversight.report", projectionLevel);
        }
        out.printf(Locale.ROOT, "oversight: audit package of %s to %s written to %s%n", scope.from(), scope.to(),
                target);
        out.printf(Locale.ROOT, "  %d deploys, %d sampled (seed %d), %d exceptions; %d files, hashed in %s%n",
                result.population(), result.sample(), scope.seed(), result.exceptions(), result.files().size(),
                target.resolve(AuditPackage.MANIFEST));
        return 0;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The command line as the manifest records it. */
    static String commandLine(String[] args) {
        return "oversight report " + String.join(" ", args);
    }

    /**
     * The progress bar on stderr: redrawn in place on a terminal ({@code [#####-----] 41% 412000 of 1000000
     * records}), a line at each tenth otherwise.
     */
    static final class Progress implements KafkaExtract.Progress {

        private static final int WIDTH = 30;

        private final PrintStream err;
        private final boolean terminal;
        private final String what;
        private long lastDraw;
        private int lastTenth = -1;
        private boolean drawn;

        Progress(PrintStream err, boolean terminal) {
            this(err, terminal, "reading the verdicts and actions");
        }

        /** @param what what is being read, as the bar starts with */
        Progress(PrintStream err, boolean terminal, String what) {
            this.err = err;
            this.terminal = terminal;
            this.what = what;
        }

        @Override
        public void update(long read, long total) {
            int percent = total == 0 ? 100 : (int) Math.min(100, read * 100 / total);
            if (terminal) {
                long now = System.nanoTime();
                if (drawn && percent < 100 && now - lastDraw < 100_000_000L) {
                    return;
                }
                lastDraw = now;
                err.print("\r" + bar(what, read, total));
                drawn = true;
            } else if (percent / 10 > lastTenth) {
                lastTenth = percent / 10;
                err.println(bar(what, read, total));
            }
        }

        static String bar(long read, long total) {
            return bar("reading the verdicts and actions", read, total);
        }

        static String bar(String what, long read, long total) {
            int percent = total == 0 ? 100 : (int) Math.min(100, read * 100 / total);
            int filled = percent * WIDTH / 100;
            return what + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                    + String.format(Locale.ROOT, "%3d%% %d of %d records", percent, read, total);
        }

        void end() {
            if (terminal && drawn) {
                err.println();
            }
        }
    }
}
