package dev.oversight.launcher;

import dev.oversight.backfill.Backfill;
import dev.oversight.backfill.Period;
import dev.oversight.backfill.Progress;
import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.Source;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code oversight backfill github|gitlab}: a first audit on day one, from the history the source already holds.
 */
final class BackfillCommand {

    static final String HELP = """
            Usage: oversight backfill github (--repository OWNER/NAME... | --organization ORG) --since DAY
                                    [--until DAY] [--environment NAME...] [--api-url URL] [--resume] [--dry-run]
                                    [--bootstrap-servers HOST:PORT] [--data-dir DIR]

            Reads the history of a period from GitHub's REST API and writes it to Kafka as the evidence the webhooks
            would have delivered, so Oversight judges it with exactly the same rules as live events: the deployments
            created in the period and their statuses, the deploy before the period in each environment (the first
            deploy of the period is judged from it), the pull requests merged from that deploy to the end of the
            period (by merge time) with their reviews, the commits between consecutive deploys, and the check runs
            and commit statuses of every deployed commit. Each is written as ingest writes a webhook's delivery
            (raw record marked provenance backfill, evidence, receipt), so the verdicts look exactly like live ones
            and a fact written twice is the same evidence. Facts GitHub no longer has cannot be imported.

            Options:
              --repository OWNER/NAME...      the repositories (several after it, or the option repeated)
              --organization ORG              every repository of the organisation instead
              --since DAY, --until DAY        the period, days as YYYY-MM-DD in UTC, both included (or ISO
                                              times); --until defaults to today
              --environment NAME...           only deploys to these environments (default: all)
              --api-url URL                   the API's root (%1$s, default https://api.github.com;
                                              GitHub Enterprise: https://HOST/api/v3)
              --resume                        continue a backfill of the same request that stopped, writing
                                              nothing twice (its checkpoint is under DIR/backfill)
              --dry-run                       print what would be imported; write nothing, not even a checkpoint
              --bootstrap-servers HOST:PORT   the Kafka cluster Oversight runs on (%2$s); topic names follow %3$s
              --data-dir DIR                  where the checkpoint and the API's answers are kept (%4$s)
              --help                          this text

            The token comes from %5$s (or %5$s_FILE): a token that can read the repositories' contents, pull
            requests, deployments and checks. The API's rate limit is respected (it waits when told to, and asks
            again for what it read before with If-None-Match, which costs no quota); a progress bar per repository
            shows the time left. Ctrl-C stops it; --resume continues.

            Exit status: 0 done; 1 it failed (the API refused, Kafka unreachable) or was stopped; 2 the command
            line or the configuration is wrong.
            """.formatted(WorkerConfig.GITHUB_API_URL, KafkaConnection.BOOTSTRAP, KafkaConnection.TOPIC_PREFIX,
            CommonSettings.DATA_DIR, WorkerConfig.GITHUB_TOKEN);

    private static final Set<String> SINGLE = Set.of("--organization", "--since", "--until", "--api-url",
            "--bootstrap-servers", "--data-dir");
    private static final Set<String> MANY = Set.of("--repository", "--environment");
    private static final Set<String> FLAGS = Set.of("--resume", "--dry-run");

    private BackfillCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return run(args, Settings.fromEnvironment(), out, err, RestClient.Sleeper.REAL);
    }

    static int run(String[] args, Settings settings, PrintStream out, PrintStream err, RestClient.Sleeper sleeper)
            throws Exception {
        if (args.length == 0) {
            throw new OversightCli.UsageException("name the source: oversight backfill github …");
        }
        Source source = switch (args[0]) {
            case "github" -> Source.GITHUB;
            case "gitlab" -> throw new OversightCli.UsageException("backfill from GitLab is not available yet; "
                    + "only github is");
            default -> throw new OversightCli.UsageException("unknown source '" + args[0] + "': github");
        };
        Map<String, List<String>> o = parse(java.util.Arrays.copyOfRange(args, 1, args.length));
        List<String> repositories = o.getOrDefault("--repository", List.of());
        String organization = first(o, "--organization");
        if (repositories.isEmpty() == (organization == null)) {
            throw new OversightCli.UsageException("name the repositories with --repository OWNER/NAME…, or "
                    + "--organization ORG (one of the two)");
        }
        for (String repository : repositories) {
            if (!repository.matches("[^/\\s]+/[^/\\s]+")) {
                throw new OversightCli.UsageException("--repository takes OWNER/NAME, got '" + repository + "'");
            }
        }
        if (first(o, "--since") == null) {
            throw new OversightCli.UsageException("--since DAY is required");
        }
        Instant since = time(first(o, "--since"), "--since", false);
        // Without --until: to the end of today, so that a --resume later today names the same period.
        String untilDay = first(o, "--until") == null ? LocalDate.now(ZoneOffset.UTC).toString() : first(o, "--until");
        Instant until = time(untilDay, "--until", true);
        if (!since.isBefore(until)) {
            throw new OversightCli.UsageException("--since must be before --until");
        }
        Period period = new Period(since, until, o.getOrDefault("--environment", List.of()));
        boolean dryRun = o.containsKey("--dry-run");
        boolean resume = o.containsKey("--resume");

        Map<String, String> overrides = new HashMap<>();
        Optional.ofNullable(first(o, "--bootstrap-servers")).ifPresent(b -> overrides.put(KafkaConnection.BOOTSTRAP.name(), b));
        Optional.ofNullable(first(o, "--data-dir")).ifPresent(d -> overrides.put(CommonSettings.DATA_DIR.name(), d));
        Optional.ofNullable(first(o, "--api-url")).ifPresent(u -> overrides.put(WorkerConfig.GITHUB_API_URL.name(), u));
        record Config(KafkaConnection kafka, Path dataDir, URI api, String token) {}
        // A dry run reads no Kafka: the cluster need not be named.
        Config config = ConfigReader.read(settings.with(overrides), c -> new Config(
                KafkaConnection.read(c, dryRun ? "" : null), c.get(CommonSettings.DATA_DIR),
                c.get(WorkerConfig.GITHUB_API_URL),
                c.required(WorkerConfig.GITHUB_TOKEN, "oversight backfill github reads GitHub's API with it")));
        KafkaConnection kafka = null;
        if (!dryRun) {
            if (config.kafka().bootstrapServers() == null || config.kafka().bootstrapServers().isBlank()) {
                throw new OversightCli.UsageException("--bootstrap-servers HOST:PORT is required (the Kafka cluster "
                        + "Oversight runs on), or --dry-run");
            }
            kafka = config.kafka();
            TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
        }
        Backfill.Request request = new Backfill.Request(source, repositories, organization, period, config.api(),
                config.token(), dryRun, resume, config.dataDir());
        Backfill.Summary summary;
        try {
            summary = new Backfill(request, kafka, out, new Progress.Console(err, System.console() != null), sleeper,
                    Clock.systemUTC()).run();
        } catch (Backfill.NotResumed e) {
            err.println("oversight: " + e.getMessage());
            return 2;
        }
        if (!dryRun) {
            out.printf(Locale.ROOT, "oversight: backfill of %d repositories from %s to %s done: %d facts written%s, "
                            + "%d API requests%n", summary.repositories(), since, until, summary.written(),
                    summary.alreadyWritten() == 0 ? "" : " (" + summary.alreadyWritten() + " written before)",
                    summary.requests());
        }
        summary.refused().forEach(r -> err.println("oversight: not imported, the source's answer could not be read: " + r));
        return 0;
    }

    /** {@code YYYY-MM-DD} (the day's start, or with {@code endOfDay} the next day's) or an ISO-8601 time. */
    static Instant time(String text, String option, boolean endOfDay) {
        try {
            LocalDate day = LocalDate.parse(text);
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADay) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new OversightCli.UsageException(option + " takes a day (YYYY-MM-DD) or an ISO time, got '"
                        + text + "'");
            }
        }
    }

    private static String first(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@code --name value}, {@code --name=value}; the many-valued take every value up to the next option. */
    static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            OversightCli.OptionArg option = OversightCli.OptionArg.of(args[i]);
            String arg = option.name();
            String value = option.value();
            if (FLAGS.contains(arg)) {
                if (value != null) {
                    throw new OversightCli.UsageException(arg + " takes no value");
                }
                options.put(arg, List.of());
            } else if (SINGLE.contains(arg) || MANY.contains(arg)) {
                List<String> values = options.computeIfAbsent(arg, a -> new ArrayList<>());
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new OversightCli.UsageException(arg + " needs a value");
                    }
                    value = args[++i];
                }
                addAll(values, value);
                while (MANY.contains(arg) && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    addAll(values, args[++i]);
                }
                if (SINGLE.contains(arg) && values.size() > 1) {
                    throw new OversightCli.UsageException(arg + " is given twice");
                }
            } else {
                throw new OversightCli.UsageException("unknown option '" + args[i] + "'");
            }
        }
        return options;
    }

    private static void addAll(List<String> values, String value) {
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                values.add(part.trim());
            }
        }
    }
}
