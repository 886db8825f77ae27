package dev.oversight.launcher;

import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.policy.file.PolicyException;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import dev.oversight.runtime.config.ConfigException;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.whatif.Render;
import dev.oversight.whatif.Scope;
import dev.oversight.whatif.WhatIf;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code oversight whatif}: what a new policy would have decided on the stored history, against what was decided.
 * Reads the Kafka cluster only (module whatif).
 */
final class WhatIfCommand {

    static final String HELP = """
            Usage: oversight whatif --policy FILE [--from DAY --to DAY] [--repository R] [--service S] [--team T]
                                    [--environment E] [--limit N] [--lead-in 30d] [--format table|csv|json|markdown]
                                    [--out FILE] [--bootstrap-servers HOST:PORT]

            Replays the stored evidence of the period (changes, reviews, pushes, checks, deploys) through the same
            topology and rules that make live verdicts, in this process, with the policy in FILE, and compares
            deploy by deploy the verdict it gives with the one recorded. It writes nothing to Kafka, joins no
            consumer group, alerts no one and rolls nothing back. A progress bar on stderr while it reads.

            It reports how many deploys flip (to VIOLATION, to COMPLIANT, another status, other reasons) per
            team, service, environment and reason code, and the first N flips with the deploy, its changes and both
            verdicts. A deploy whose evidence is no longer complete (an evidence topic's retention has deleted what
            its replay needs) is UNKNOWN: never counted as unchanged. With the policy in force, every verdict comes
            out the same, and it says so.

            Options:
              --policy FILE                   the policy to try (required)
              --from DAY, --to DAY            the deploys of the period: days as YYYY-MM-DD in UTC (--to included)
                                              or instants (2026-11-02T10:00:00Z); default the last %1$d days
              --repository, --service, --team, --environment
                                              only the deploys with this value (--repository also replays only
                                              that repository's evidence, which is quicker)
              --limit N                       flips shown in full (default %2$d)
              --lead-in DURATION              evidence replayed before the period, so its deploys meet the
                                              changes and previous deploys they rest on (default %3$dd)
              --format table|csv|json|markdown
                                              table on the terminal (default); csv: one row per flipped or
                                              UNKNOWN deploy; json: everything; markdown: the table for a pull
                                              request
              --out FILE                      write the report to FILE instead of stdout
              --bootstrap-servers HOST:PORT   the Kafka cluster (%4$s); topic names follow %5$s
              --help                          this text

            Exit status: 0 nothing flips to a violation; 1 some deploy would become a violation (so it can gate a
            pull request that changes the policy); 2 error (a bad policy file, a wrong command line, Kafka
            unreachable, no such topics).
            """.formatted(Scope.DEFAULT_PERIOD.toDays(), Scope.DEFAULT_LIMIT, Scope.DEFAULT_LEAD_IN.toDays(),
            KafkaConnection.BOOTSTRAP, KafkaConnection.TOPIC_PREFIX);

    private static final Map<String, String> OPTIONS = options();

    private static Map<String, String> options() {
        Map<String, String> o = new HashMap<>();
        for (String name : List.of("policy", "from", "to", "lead-in", "repository", "service", "team", "environment",
                "limit", "format", "out")) {
            o.put("--" + name, name);
        }
        o.put("--bootstrap-servers", KafkaConnection.BOOTSTRAP.name());
        return o;
    }

    private WhatIfCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, Settings.fromEnvironment(), out, err);
    }

    /** Every failure is exit 2, with a one-line message: 1 means "something flips to a violation". */
    static int run(String[] args, Settings base, PrintStream out, PrintStream err) {
        try {
            return whatIf(args, base, out, err);
        } catch (OversightCli.UsageException e) {
            err.println("oversight: " + e.getMessage() + ". Try: oversight whatif --help");
        } catch (PolicyException | Scope.Invalid | ConfigException e) {
            err.println("oversight: " + oneLine(e.getMessage()));
        } catch (Exception e) {
            err.println("oversight: whatif failed: " + oneLine(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        return 2;
    }

    /** A message of several problems (one a line) as one line: the file or setting, then every problem. */
    static String oneLine(String message) {
        return message.replaceFirst(":\n  - ", ": ").replace("\n  - ", "; ").replace('\n', ' ');
    }

    private static int whatIf(String[] args, Settings base, PrintStream out, PrintStream err) throws IOException {
        Map<String, String> options = OversightCli.options(args, OPTIONS);
        String policyFile = options.get("policy");
        if (policyFile == null) {
            throw new OversightCli.UsageException("--policy FILE is required");
        }
        Render.Format format = format(options.getOrDefault("format", "table"));
        Scope scope = Scope.parse(options::get, Instant.now());
        Policy policy = PolicyFile.load(Path.of(policyFile));
        Map<String, String> settings = new HashMap<>();
        if (options.containsKey(KafkaConnection.BOOTSTRAP.name())) {
            settings.put(KafkaConnection.BOOTSTRAP.name(), options.get(KafkaConnection.BOOTSTRAP.name()));
        }
        Settings all = base.with(settings);
        KafkaConnection kafka = ConfigReader.read(all, config -> KafkaConnection.read(config, null));
        Duration retention = ConfigReader.read(all, config -> config.get(PolicyStreamConfig.RETENTION));
        ReportCommand.Progress progress = new ReportCommand.Progress(err, System.console() != null,
                "replaying the evidence");
        // The clients' and the in-process driver's notices are not the report's; errors still show.
        Level kafkaLevel = LogManager.getLogger("org.apache.kafka").getLevel();
        Configurator.setLevel("org.apache.kafka", Level.ERROR);
        WhatIf.Run run;
        try {
            run = WhatIf.run(kafka, policy, scope, retention, progress::update);
        } finally {
            progress.end();
            Configurator.setLevel("org.apache.kafka", kafkaLevel);
        }
        String report = Render.render(run, format);
        String target = options.get("out");
        if (target != null) {
            Files.writeString(Path.of(target), report, StandardCharsets.UTF_8);
            out.println("oversight: " + Render.headline(run) + " Report written to " + target + ".");
        } else {
            out.print(report);
            if (format != Render.Format.TABLE && format != Render.Format.MARKDOWN) {
                err.println("oversight: " + Render.headline(run));
            }
        }
        return run.exitCode();
    }

    private static Render.Format format(String text) {
        try {
            return Render.Format.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OversightCli.UsageException("--format must be table, csv, json or markdown, not '" + text + "'");
        }
    }
}
