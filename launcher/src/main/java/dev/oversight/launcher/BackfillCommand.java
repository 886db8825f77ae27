package dev.oversight.launcher;

import dev.oversight.backfill.Backfill;
import dev.oversight.backfill.Period;
import dev.oversight.backfill.Progress;
import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.Source;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Setting;
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

    /** The token {@code oversight backfill gitlab} reads GitLab's API with. */
    static final Setting<Optional<String>> GITLAB_TOKEN = Setting.secret("OVERSIGHT_GITLAB_TOKEN",
            "GitLab token for oversight backfill gitlab (read_api), sent as PRIVATE-TOKEN");
    /** GitLab's address, gitlab.com or a self-managed instance. */
    static final Setting<URI> GITLAB_URL = Setting.url("OVERSIGHT_GITLAB_URL", URI.create("https://gitlab.com"),
            "GitLab's address for oversight backfill gitlab (self-managed: https://HOST; its API is HOST/api/v4)");
    static final List<Setting<?>> KEYS = List.of(GITLAB_TOKEN, GITLAB_URL);

    static final String HELP = """
            Usage: oversight backfill github (--repository OWNER/NAME... | --organization ORG) --since DAY
                                    [--until DAY] [--environment NAME...] [--api-url URL] [--resume] [--dry-run]
                                    [--bootstrap-servers HOST:PORT] [--data-dir DIR]
                   oversight backfill gitlab (--project GROUP/PROJECT... | --group GROUP) --since DAY
                                    [--until DAY] [--environment NAME...] [--api-url URL] [--resume] [--dry-run]
                                    [--bootstrap-servers HOST:PORT] [--data-dir DIR]

            Reads the history of a period from GitHub's or GitLab's REST API and writes it to Kafka as the evidence
            the webhooks would have delivered, so Oversight judges it with exactly the same rules as live events: the
            deployments created in the period and their statuses, the deploy before the period in each environment
            (the first deploy of the period is judged from it), the pull requests (GitLab: merge requests) merged
            from that deploy to the end of the period (by merge time) with their reviews (approvals), the commits
            between consecutive deploys, and the check runs and commit statuses (GitLab: pipelines) of every deployed
            commit. Each is written as ingest writes a webhook's delivery (raw record marked provenance backfill,
            evidence, receipt), so the verdicts look exactly like live ones and a fact written twice is the same
            evidence. What the source no longer has is named at the end; a GitHub review whose commit is gone and
            checks past GitHub's 400 days show in the verdict as EVIDENCE_UNAVAILABLE, never as a pass.

            Options:
              --repository OWNER/NAME...      github: the repositories (several after it, or the option repeated)
              --organization ORG              github: every repository of the organisation instead
              --project GROUP/PROJECT...      gitlab: the projects, by their full path (subgroups included)
              --group GROUP                   gitlab: every project of the group and its subgroups instead
              --since DAY, --until DAY        the period, days as YYYY-MM-DD in UTC, both included (or ISO
                                              times); --until defaults to today
              --environment NAME...           only deploys to these environments (default: all)
              --api-url URL                   github: the API's root (%1$s, default https://api.github.com;
                                              GitHub Enterprise: https://HOST/api/v3)
                                              gitlab: GitLab's address (%6$s, default https://gitlab.com;
                                              self-managed: https://HOST)
              --resume                        continue a backfill of the same request that stopped, writing
                                              nothing twice (its checkpoint is under DIR/backfill)
              --dry-run                       print what would be imported; write nothing, not even a checkpoint
              --bootstrap-servers HOST:PORT   the Kafka cluster Oversight runs on (%2$s); topic names follow %3$s
              --data-dir DIR                  where the checkpoint and the API's answers are kept (%4$s)
              --help                          this text

            The token comes from %5$s (or %5$s_FILE) for GitHub: a token that can read the repositories'
            contents, pull requests, deployments and checks; from %7$s (or %7$s_FILE) for GitLab: a token
            with read_api, sent as PRIVATE-TOKEN. The API's rate limit is respected (it waits when told to, and
            asks again for what it read before with If-None-Match); a progress bar per repository shows the time
            left. Ctrl-C stops it; --resume continues.

            Exit status: 0 done; 1 it failed (the API refused, Kafka unreachable) or was stopped; 2 the command
            line or the configuration is wrong.
            """.formatted(WorkerConfig.GITHUB_API_URL, KafkaConnection.BOOTSTRAP, KafkaConnection.TOPIC_PREFIX,
            CommonSettings.DATA_DIR, WorkerConfig.GITHUB_TOKEN, GITLAB_URL, GITLAB_TOKEN);

    private static final Set<String> SINGLE = Set.of("--organization", "--group", "--since", "--until", "--api-url",
            "--bootstrap-servers", "--data-dir");
    private static final Set<String> MANY = Set.of("--repository", "--project", "--environment");
    private static final Set<String> FLAGS = Set.of("--resume", "--dry-run");

    private BackfillCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return run(args, Settings.fromEnvironment(), out, err, RestClient.Sleeper.REAL);
    }

    static int run(String[] args, Settings settings, PrintStream out, PrintStream err, RestClient.Sleeper sleeper)
            throws Exception {
        if (args.length == 0) {
            throw new OversightCli.UsageException("name the source: oversight backfill github … or gitlab …");
        }
        Source source = switch (args[0]) {
            case "github" -> Source.GITHUB;
            case "gitlab" -> Source.GITLAB;
            default -> throw new OversightCli.UsageException("unknown source '" + args[0] + "': github or gitlab");
        };
        boolean gitlab = source == Source.GITLAB;
        Map<String, List<String>> o = parse(java.util.Arrays.copyOfRange(args, 1, args.length));
        // Each source names what it reads in its own words; the other's are refused rather than taken to mean them.
        String many = gitlab ? "--project" : "--repository";
        String all = gitlab ? "--group" : "--organization";
        for (String other : gitlab ? List.of("--repository", "--organization") : List.of("--project", "--group")) {
            if (o.containsKey(other)) {
                throw new OversightCli.UsageException(other + " is for " + (gitlab ? "github" : "gitlab")
                        + "; oversight backfill " + args[0] + " takes " + many + " or " + all);
            }
        }
        List<String> repositories = o.getOrDefault(many, List.of());
        String organization = first(o, all);
        if (repositories.isEmpty() == (organization == null)) {
            throw new OversightCli.UsageException(gitlab
                    ? "name the projects with --project GROUP/PROJECT…, or --group GROUP (one of the two)"
                    : "name the repositories with --repository OWNER/NAME…, or --organization ORG (one of the two)");
        }
        for (String repository : repositories) {
            if (gitlab ? !repository.matches("[^/\\s]+(/[^/\\s]+)+") : !repository.matches("[^/\\s]+/[^/\\s]+")) {
                throw new OversightCli.UsageException(gitlab ? "--project takes the project's full path "
                        + "GROUP/PROJECT (or GROUP/SUBGROUP/PROJECT), got '" + repository + "'"
                        : "--repository takes OWNER/NAME, got '" + repository + "'");
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
        Setting<URI> apiUrl = gitlab ? GITLAB_URL : WorkerConfig.GITHUB_API_URL;
        Setting<Optional<String>> token = gitlab ? GITLAB_TOKEN : WorkerConfig.GITHUB_TOKEN;
        Optional.ofNullable(first(o, "--api-url")).ifPresent(u -> overrides.put(apiUrl.name(), u));
        record Config(KafkaConnection kafka, Path dataDir, URI api, String token) {}
        // A dry run reads no Kafka: the cluster need not be named.
        Config config = ConfigReader.read(settings.with(overrides), c -> new Config(
                KafkaConnection.read(c, dryRun ? "" : null), c.get(CommonSettings.DATA_DIR), c.get(apiUrl),
                c.required(token, "oversight backfill " + args[0] + " reads " + (gitlab ? "GitLab" : "GitHub")
                        + "'s API with it")));
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
            out.printf(Locale.ROOT, "oversight: backfill of %d %s from %s to %s done: %d facts written%s, "
                            + "%d API requests%n", summary.repositories(), gitlab ? "projects" : "repositories", since, until, summary.written(),
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
