package dev.oversight.launcher;

import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.report.ReportConfig;
import dev.oversight.policy.file.PolicyException;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigException;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.LedgerSettings;
import dev.oversight.runtime.config.Setting;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;

/** {@code ./oversight}: the command line. */
public final class OversightCli {

    private static final String EXIT_STATUS = """
            Exit status: 0 done; 1 the command failed (Oversight could not start or stopped on an error, the demo
            did not go as scripted, the policy has problems); 2 the command line or the configuration is wrong.
            """;

    /** The keys and defaults in it are those of the settings' declarations. */
    static final String HELP = """
            Oversight watches every deploy and flags code that reached production without oversight:
            no review by someone other than its author, no passing CI, no tech lead's approval where one is needed.

            Usage: oversight <command> [options]

            Commands:
              up                  Run the whole platform until Ctrl-C: an embedded Kafka broker (data under
                                  %2$s), ingest, policy-stream, rollback-worker and the report, with one HTTP
                                  port for webhooks, the report's pages, /metrics and /health. Starting again
                                  resumes on the same data.
                  --bootstrap-servers HOST:PORT   use an existing Kafka cluster instead of embedding one
                                                  (same as %1$s)
                  --port N                        HTTP port (%3$s, default %4$s)
                  --data-dir DIR                  data directory (%5$s, default %2$s)
              demo                Play a scripted set of signed GitHub webhooks (a reviewed deploy, a self-approved
                                  one, one of an unknown commit) through an Oversight of its own (its own broker and
                                  a temporary data directory, removed at the end), show the verdicts and the alerts
                                  as their receiver got them, and exit.
                  --keep                          leave the demo's Oversight running afterwards, until Ctrl-C
              policy check FILE   Validate a policy file: every problem in it (exit 1 when there is any), and
                                  warnings of what would silently do nothing.
              report --from DAY --to DAY --out DIR
                                  Write the audit package of a period (population, seeded sample with
                                  evidence pages, exceptions, summary PDF, manifest) from the Kafka cluster.
              backfill github --repository OWNER/NAME... --since DAY
              backfill gitlab --project GROUP/PROJECT... --since DAY
                                  Import the history GitHub or GitLab already holds (deploys, merged pull or
                                  merge requests, reviews or approvals, checks or pipelines) as evidence,
                                  judged like live events; --resume, --dry-run.
              whatif --policy FILE
                                  What a new policy would have decided on the stored history: every deploy
                                  whose verdict would flip (exit 1 when one becomes a violation).
              config              List every configuration variable with its default.
              export              Write an evidence bundle for auditors: verdicts and actions of a period as
                                  stored, the signed checkpoints that vouch for them, a manifest.
              verify DIR          Check a bundle or an audit package offline (or the live topics,
                                  --bootstrap-servers): every hash, link and signed checkpoint of the ledger.
              ledger public-key   Print the public key that signs the ledger's checkpoints.
              help, --help        This text; `oversight COMMAND --help` explains one command.
              --version           The version of Oversight.

            Configuration comes from environment variables (see `oversight config`), or from a Java properties
            file named by %6$s with the same keys. Secrets may be given as <NAME>_FILE.

            """.formatted(KafkaConnection.BOOTSTRAP, CommonSettings.DATA_DIR.shownDefault().orElseThrow(),
            CommonSettings.HTTP_PORT, CommonSettings.HTTP_PORT.shownDefault().orElseThrow(), CommonSettings.DATA_DIR,
            Settings.CONFIG_FILE) + EXIT_STATUS;

    static final String UP_HELP = """
            Usage: oversight up [--bootstrap-servers HOST:PORT] [--port N] [--data-dir DIR]

            Runs the whole platform in this process until Ctrl-C or SIGTERM: an embedded Kafka broker (unless a
            cluster is named), ingest, policy-stream, rollback-worker and the report, with one HTTP port for webhooks,
            the report's pages, /metrics and /health. Starting again resumes on the same data.

            Options:
              --bootstrap-servers HOST:PORT   use an existing Kafka cluster instead of embedding one (%1$s)
              --port N                        HTTP port (%3$s, default %4$s)
              --data-dir DIR                  data directory (%5$s, default %2$s)
              --help                          this text

            Before starting anything it reads the whole configuration and the policy, locks the data directory (one
            Oversight per directory), checks that the HTTP port and the embedded broker's port (%6$s, default
            %7$s) are free, or waits at most %8$d s for the Kafka cluster named. It then prints where it listens and
            where alerts go, and each final verdict of a protected environment as it is decided.

            Exit status: Ctrl-C or SIGTERM stop it cleanly (130 or 143, as for any program stopped by a signal);
            1 it could not start (data directory in use, a port in use, Kafka unreachable) or failed; 2 the command
            line or the configuration is wrong.
            """.formatted(KafkaConnection.BOOTSTRAP, CommonSettings.DATA_DIR.shownDefault().orElseThrow(),
            CommonSettings.HTTP_PORT, CommonSettings.HTTP_PORT.shownDefault().orElseThrow(), CommonSettings.DATA_DIR,
            Platform.KAFKA_PORT, Platform.KAFKA_PORT.shownDefault().orElseThrow(), Preflight.KAFKA_WAIT.toSeconds());

    static final String DEMO_HELP = """
            Usage: oversight demo [--keep] [--port N]

            Starts an Oversight of its own: its own embedded Kafka broker on a free port, a temporary data directory
            (removed at the end, also on Ctrl-C), topics named oversight-demo.*, a 3-second grace period and an alert
            receiver of its own. It reads none of your configuration, so it never touches what `oversight up` runs
            on, and never alerts your on-call. It plays a scripted set of signed GitHub webhooks (a reviewed deploy,
            a self-approved one, one of an unknown commit) and shows the verdicts, the alerts as their receiver got
            them, and the actions the worker recorded.

            Options:
              --keep     leave the demo's Oversight running after the scenarios, until Ctrl-C, to send it more
              --port N   its HTTP port (default: a free one)
              --help     this text

            Exit status: 0 every deploy got the verdict it should and each violation alerted; 1 it did not, or the
            demo could not run; 2 the command line is wrong.
            """;

    static final String POLICY_HELP = """
            Usage: oversight policy check FILE

            Reads a policy file as `oversight up` will, and reports every problem in it, each with where it is
            (rules[1].match.environment: …): what `up` would refuse. Then warnings, of what `up` accepts but what
            may not do what was meant: a rule whose environment pattern matches no declared environment, a service
            whose rollback executor needs a credential that is not set in this environment.

            Exit status: 0 the policy is valid (warnings or not); 1 it has problems; 2 the command line is wrong.
            """;

    static final String CONFIG_HELP = """
            Usage: oversight config

            Lists every configuration variable: its name, its default, what it does, and whether it is a secret
            (which may be given as <NAME>_FILE, the path of a file holding it).
            """;

    private OversightCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(HELP);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version") || args[0].equals("version")) {
            out.println(version());
            return 0;
        }
        String[] rest = rest(args);
        boolean help = Stream.of(rest).anyMatch(a -> a.equals("--help") || a.equals("-h"));
        try {
            return switch (args[0]) {
                case "up" -> help ? help(out, UP_HELP) : up(rest, out, err);
                case "demo" -> help ? help(out, DEMO_HELP) : demo(rest, out, err);
                case "policy" -> help ? help(out, POLICY_HELP) : policy(rest, out, err);
                case "config" -> help ? help(out, CONFIG_HELP) : config(rest, out);
                case "export" -> help ? help(out, LedgerCommands.EXPORT_HELP)
                        : LedgerCommands.export(rest, Settings.fromEnvironment(), out, err);
                case "verify" -> help ? help(out, LedgerCommands.VERIFY_HELP)
                        : LedgerCommands.verify(rest, Settings.fromEnvironment(), out, err);
                case "ledger" -> help ? help(out, LedgerCommands.LEDGER_HELP)
                        : LedgerCommands.ledger(rest, Settings.fromEnvironment(), out, err);
                case "report" -> help ? help(out, ReportCommand.HELP) : ReportCommand.run(rest, out, err);
                case "backfill" -> help ? help(out, BackfillCommand.HELP) : BackfillCommand.run(rest, out, err);
                case "whatif" -> help ? help(out, WhatIfCommand.HELP) : WhatIfCommand.run(rest, out, err);
                default -> {
                    err.println("oversight: unknown command '" + args[0] + "'. Try: oversight --help");
                    yield 2;
                }
            };
        } catch (UsageException e) {
            err.println("oversight: " + e.getMessage() + ". Try: oversight " + args[0] + " --help");
            return 2;
        } catch (ConfigException e) {
            err.println("oversight: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("oversight: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    private static int help(PrintStream out, String text) {
        out.print(text);
        return 0;
    }

    /** {@code oversight 0.1.0 (Kafka 4.3.1, Java 17.0.15)}: the version is the Maven project's, filtered in. */
    static String version() {
        Properties build = new Properties();
        try (InputStream in = OversightCli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // Reported as unknown below.
        }
        return "oversight " + build.getProperty("version", "(unknown version)") + " (Kafka "
                + AppInfoParser.getVersion() + ", Java " + Runtime.version() + ")";
    }

    private static int up(String[] args, PrintStream out, PrintStream err) throws Exception {
        Platform.Config config = Platform.read(Settings.fromEnvironment().with(options(args, UP_OPTIONS)));
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        // Ctrl-C may come while the platform is starting: the hook then waits for the start to end, and stops it.
        AtomicReference<Platform> running = new AtomicReference<>();
        AtomicReference<VerdictConsole> console = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch startEnded = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping.set(true);
            try {
                startEnded.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Platform platform = running.get();
            if (platform != null) {
                err.println("Stopping Oversight ...");
                if (console.get() != null) {
                    console.get().close();
                }
                platform.close();
                err.println("Oversight stopped.");
            }
            stopped.countDown();
        }, "oversight-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Platform platform;
        try {
            platform = Platform.start(config, "oversight up" + (args.length == 0 ? "" : " " + String.join(" ", args)),
                    err::println);
            running.set(platform);
        } catch (Exception | Error e) {
            startEnded.countDown();
            if (!stopping.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            throw e;
        }
        startEnded.countDown();
        if (stopping.get()) {
            stopped.await();
            return 0;
        }
        if (!platform.awaitIngestReady(Duration.ofSeconds(60))) {
            err.println("oversight: ingest did not become ready in 60 s (is Kafka reachable at "
                    + platform.bootstrapServers() + "?)");
        }
        double readyIn = (System.currentTimeMillis() - jvmStart) / 1000.0;
        console.set(VerdictConsole.start(platform.kafka(), config.policyStream().policy(), out));
        banner(out, config, platform, readyIn);
        stopped.await();
        return 0;
    }

    private static void banner(PrintStream out, Platform.Config config, Platform platform, double readyIn) {
        IngestConfig ingest = config.ingest();
        Listening listening = Listening.of(ingest.httpHost(), platform.httpPort());
        String base = listening.base();
        String verdicts = platform.kafka().topic(Topics.VERDICTS).name();
        String actions = platform.kafka().topic(Topics.ACTIONS).name();
        Policy policy = config.policyStream().policy();
        out.printf("Oversight is up: webhooks accepted %.1f s after start.%n", readyIn);
        out.println("  Listening  " + listening.describe());
        out.println("  Webhooks   " + route(base + "/webhooks/github", "GitHub, content type application/json",
                IngestConfig.GITHUB_SECRET.name(), ingest.githubSecrets()));
        out.println("             " + route(base + "/webhooks/gitlab", "GitLab", IngestConfig.GITLAB_TOKEN.name(),
                ingest.gitlabTokens()));
        out.println("             " + route(base + "/webhooks/jenkins", "Jenkins Notification plugin",
                IngestConfig.EVENTS_TOKEN.name(), ingest.eventsTokens()));
        out.println("             " + route(base + "/events", "CDEvents, Argo CD", IngestConfig.EVENTS_TOKEN.name(),
                ingest.eventsTokens()));
        out.println("  Metrics    " + base + "/metrics");
        out.println("  Health     " + base + "/health/live   " + base + "/health/ready");
        out.println("  Kafka      " + platform.bootstrapServers() + (platform.embedded()
                ? "   (embedded broker, data in " + platform.dataDir().resolve("kafka") + ")" : "   (external cluster)"));
        out.println("  Policy     " + policy.name() + " (" + policy.version().substring(0, 19) + "…)");
        out.println("  Alerts     " + alerts(config.worker().alerting(), actions));
        out.println("  Verdicts   kcat -b " + platform.bootstrapServers() + " -C -t " + verdicts
                + " -f '%k %s\\n' -X isolation.level=read_committed");
        out.println("  Actions    kcat -b " + platform.bootstrapServers() + " -C -t " + actions + " -f '%k %s\\n'");
        out.println("  Report     " + ReportBanner.describe(base, config.report()));
        out.println("Press Ctrl-C to stop. Each final verdict of a protected environment is printed below.");
        out.flush();
    }

    /** One route of the banner: where, for whom, and whether its secret is set (without one it refuses all). */
    static String route(String url, String sender, String key, List<String> secrets) {
        return String.format("%-42s (%s; %s)", url, sender,
                secrets.isEmpty() ? key + " not set: refused (401)" : "secret " + key);
    }

    /** Where the HTTP server listens, as the banner says it, and the base of the URLs it prints. */
    record Listening(String host, int port, boolean allInterfaces, boolean loopback) {

        static Listening of(String host, int port) {
            boolean all = host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")
                    || host.equals("[::]");
            boolean loopback = false;
            if (!all) {
                try {
                    loopback = InetAddress.getByName(host).isLoopbackAddress();
                } catch (UnknownHostException e) {
                    loopback = false;
                }
            }
            return new Listening(host, port, all, loopback);
        }

        /** On every interface, the URLs to try are this machine's own. */
        String base() {
            String shown = allInterfaces ? "127.0.0.1" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]"
                    : host;
            return "http://" + shown + ":" + port;
        }

        String describe() {
            if (allInterfaces) {
                return "http://<this host>:" + port + " on all interfaces (" + host + "); from this machine: " + base();
            }
            return base() + (loopback ? " (this machine only; set " + CommonSettings.HTTP_HOST.name()
                    + "=0.0.0.0 to receive webhooks from elsewhere)" : " (" + host + " only)");
        }
    }

    /**
     * The banner's Alerts line: each sink configured (never a secret: Slack's URL and PagerDuty's key are not shown,
     * nor any credentials or query of a URL), or that there is none, and how to set one.
     */
    static String alerts(WorkerConfig.Alerting alerting, String actionsTopic) {
        List<String> sinks = new ArrayList<>();
        alerting.alertmanagerUrl().ifPresent(url -> sinks.add("Alertmanager " + shown(url)));
        if (alerting.pagerDutyRoutingKey() != null) {
            sinks.add("PagerDuty" + (alerting.pagerDutyUrl().equals(WorkerConfig.PAGERDUTY_URL.defaultValue()) ? ""
                    : " via " + shown(alerting.pagerDutyUrl())));
        }
        if (alerting.slackWebhookUrl() != null) {
            sinks.add("Slack");
        }
        alerting.webhookUrl().ifPresent(url -> sinks.add("webhook " + shown(url)
                + (alerting.webhookSecret() == null ? "" : " (signed)")));
        if (sinks.isEmpty()) {
            return "none configured: violations are printed here and recorded on " + actionsTopic + "; to be alerted,"
                    + " set " + WorkerConfig.ALERTMANAGER_URL.name() + ", " + WorkerConfig.SLACK_WEBHOOK_URL.name()
                    + ", " + WorkerConfig.PAGERDUTY_ROUTING_KEY.name() + " or " + WorkerConfig.ALERT_WEBHOOK_URL.name()
                    + " (README: Alerts and rollbacks)";
        }
        return String.join(", ", sinks) + "; violations are also printed here";
    }

    /** A URL as a banner may show it: scheme, host, port and path, without credentials or query. */
    static String shown(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static int demo(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> options = options(args, DEMO_OPTIONS);
        boolean keep = options.containsKey(KEEP);
        String port = options.getOrDefault(CommonSettings.HTTP_PORT.name(), "0");
        ConfigReader reader = new ConfigReader(Settings.of(Map.of(CommonSettings.HTTP_PORT.name(), port)));
        int httpPort = reader.get(CommonSettings.HTTP_PORT);
        reader.done();
        return new Demo(out, err).run(httpPort, keep);
    }

    private static int policy(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !args[0].equals("check")) {
            throw new UsageException("usage: oversight policy check FILE");
        }
        try {
            PolicyFile.Checked checked = PolicyFile.check(Path.of(args[1]));
            Policy policy = checked.policy();
            out.println(args[1] + ": policy '" + policy.name() + "' is valid (" + policy.version() + ")");
            out.println("  protected environments: " + policy.environments().entrySet().stream()
                    .filter(e -> e.getValue().isProtected())
                    .map(e -> e.getKey() + " (" + e.getValue().action().label()
                            + (e.getValue().dryRun() ? ", dry-run" : "") + ", grace " + e.getValue().grace().toSeconds()
                            + "s)").toList());
            out.println("  rules: " + policy.rules().size() + ", services: " + policy.services().size()
                    + ", groups: " + policy.groups().keySet());
            List<String> warnings = new ArrayList<>(checked.warnings());
            warnings.addAll(credentialWarnings(policy, Settings.fromEnvironment()));
            warnings.forEach(w -> err.println("warning: " + w));
            return 0;
        } catch (PolicyException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /**
     * What the rollback executors of a policy need and the environment here does not give them, as the worker
     * would refuse to start with it: a warning, since a policy is often checked where its secrets are not set.
     */
    static List<String> credentialWarnings(Policy policy, Settings environment) {
        ConfigReader config = new ConfigReader(environment);
        WorkerConfig.Rollbacks rollbacks = WorkerConfig.readRollbacks(config);
        List<String> warnings = new ArrayList<>(config.problems());
        WorkerConfig.executorProblems(policy, rollbacks).forEach(problem -> warnings.add(problem
                + "; `oversight up` would refuse to start in this environment"));
        return warnings;
    }

    /** Every setting of the platform, as {@code oversight config} lists them: each read by some configuration. */
    static final List<Setting<?>> SETTINGS = Stream.<List<Setting<?>>>of(KafkaConnection.KEYS, Platform.KEYS,
            CommonSettings.KEYS, IngestConfig.KEYS, PolicyStreamConfig.KEYS, WorkerConfig.KEYS, LedgerSettings.KEYS,
            ReportConfig.KEYS, BackfillCommand.KEYS,
            List.of(Settings.CONFIG_FILE)).flatMap(List::stream).toList();

    private static int config(String[] args, PrintStream out) {
        if (args.length > 0) {
            throw new UsageException("unknown option '" + args[0] + "'");
        }
        for (Setting<?> setting : SETTINGS) {
            out.printf("%-36s %-24s %s%s%n", setting.name(), setting.shownDefault().orElse("-"), setting.doc(),
                    setting.secret() ? " (secret; or " + setting.name() + "_FILE)" : "");
        }
        return 0;
    }

    /** {@code up}'s options, as the settings they stand for. */
    static final Map<String, String> UP_OPTIONS = Map.of("--bootstrap-servers", KafkaConnection.BOOTSTRAP.name(),
            "--port", CommonSettings.HTTP_PORT.name(), "--data-dir", CommonSettings.DATA_DIR.name());
    /** {@code demo}'s: {@code --keep} takes no value. */
    static final String KEEP = "--keep";
    static final Map<String, String> DEMO_OPTIONS = Map.of("--port", CommonSettings.HTTP_PORT.name(), KEEP, KEEP);

    /** Reads {@code up}'s options. */
    static Map<String, String> options(String[] args) {
        return options(args, UP_OPTIONS);
    }

    /**
     * Options ({@code --name value} or {@code --name=value}) as the settings they stand for; {@link #KEEP}, where
     * {@code known} has it, is a flag.
     */
    static Map<String, String> options(String[] args, Map<String, String> known) {
        return parse(args, known, known.containsKey(KEEP) ? Set.of(KEEP) : Set.of(), false).options();
    }

    /** A command line read: each option under the key it stands for ({@code "true"} for a flag), and the rest. */
    record CommandLine(Map<String, String> options, List<String> positional) {}

    /**
     * Reads a command's arguments: options with a value ({@code --name value} or {@code --name=value}), stored under
     * the key {@code valued} maps them to; flags, stored as {@code "true"} under their own name; and, where
     * {@code positionals} allows, arguments that are not options.
     */
    static CommandLine parse(String[] args, Map<String, String> valued, Set<String> flags, boolean positionals) {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            OptionArg option = OptionArg.of(args[i]);
            String arg = option.name();
            String value = option.value();
            if (flags.contains(arg)) {
                if (value != null) {
                    throw new UsageException(arg + " takes no value");
                }
                options.put(arg, "true");
            } else if (valued.containsKey(arg)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(arg + " needs a value");
                    }
                    value = args[++i];
                }
                options.put(valued.get(arg), value);
            } else if (positionals && !arg.startsWith("-")) {
                positional.add(arg);
            } else {
                throw new UsageException("unknown option '" + args[i] + "'");
            }
        }
        return new CommandLine(options, positional);
    }

    /** One argument: {@code --name=value} is the option and its value; anything else is a name without one (null). */
    record OptionArg(String name, String value) {
        static OptionArg of(String arg) {
            int eq = arg.indexOf('=');
            return arg.startsWith("--") && eq > 0 ? new OptionArg(arg.substring(0, eq), arg.substring(eq + 1))
                    : new OptionArg(arg, null);
        }
    }

    private static String[] rest(String[] args) {
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        return rest;
    }

    /** A command line that cannot be understood. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
