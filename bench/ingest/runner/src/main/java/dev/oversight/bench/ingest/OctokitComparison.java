package dev.oversight.bench.ingest;

import com.sun.management.OperatingSystemMXBean;
import dev.oversight.ingest.github.GitHubSignature;
import dev.oversight.runtime.ServiceRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * Ingest against octokit's own Node.js receiver ({@code @octokit/webhooks} middleware: reads the body, checks
 * {@code X-Hub-Signature-256}, parses the JSON, answers 200, writes nothing), on the same machine in the same run,
 * both driven by wrk with the same 22 KB pull_request delivery (octokit's first example), each request with a new
 * {@code X-GitHub-Delivery} so ingest writes every one (202 after the Kafka commit). Rounds alternate between the two
 * so that what else the machine does falls on both; the load average before and after is printed with the figures.
 * See ingest/README.md, "Throughput".
 */
final class OctokitComparison {

    /** What one wrk run measured. */
    record Run(String what, double rate, long requests, long failed, double p50Millis, double p99Millis,
               double cpuMillisPerRequest) {}

    private static final String LUA = """
            -- A GitHub delivery: the body of a file, its signature, a new X-GitHub-Delivery per request.
            local counter = 0
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("tid", threads)
            end
            function init(args)
              local f = assert(io.open(args[1], "rb"))
              wrk.method = "POST"
              wrk.body = f:read("*a")
              f:close()
              wrk.headers["Content-Type"] = "application/json"
              wrk.headers["X-GitHub-Event"] = "pull_request"
              wrk.headers["X-Hub-Signature-256"] = args[2]
              prefix = args[3] .. "-" .. tid .. "-"
            end
            function request()
              counter = counter + 1
              wrk.headers["X-GitHub-Delivery"] = prefix .. counter
              return wrk.format()
            end
            """;

    private OctokitComparison() {}

    static void run(Path payloads, Path octokitDir, int warmup, int seconds, int concurrency, int rounds)
            throws Exception {
        byte[] body = IngestBench.octokit(payloads, "pull_request", 0).getBytes(StandardCharsets.UTF_8);
        Path work = Files.createTempDirectory("oversight-bench-octokit");
        Path bodyFile = Files.write(work.resolve("pull_request.json"), body);
        Path script = Files.writeString(work.resolve("github.lua"), LUA);
        String signature = GitHubSignature.sign(IngestBench.SECRET, body);
        String loadBefore = loadAverage();

        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        KafkaClusterTestKit cluster = external == null || external.isBlank() ? IngestBench.inProcessBroker() : null;
        String bootstrap = cluster != null ? cluster.bootstrapServers() : external;
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        if (!Files.isDirectory(octokitDir.resolve("node_modules"))) {
            exec(octokitDir, List.of("npm", "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(5));
        }
        Process node = new ProcessBuilder("node", "receiver.mjs", IngestBench.SECRET).directory(octokitDir.toFile())
                .redirectErrorStream(true).start();
        List<Run> runs = new ArrayList<>();
        try (ServiceRunner ingest = IngestBench.startIngest(bootstrap, prefix)) {
            BufferedReader nodeOut = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = nodeOut.readLine();
            if (first == null || !first.startsWith("listening ")) {
                throw new IllegalStateException("the octokit receiver did not start: " + first);
            }
            Thread drain = new Thread(() -> {
                try {
                    nodeOut.lines().forEach(line -> { });
                } catch (java.io.UncheckedIOException closed) {
                    // the receiver was stopped at the end of the run: nothing more to read
                }
            }, "octokit-output");
            drain.setDaemon(true);
            drain.start();
            String ingestUrl = "http://127.0.0.1:" + ingest.httpPort() + "/webhooks/github";
            String octokitUrl = "http://127.0.0.1:" + first.substring("listening ".length()).trim()
                    + "/webhooks/github";
            Wrk wrk = new Wrk(script, bodyFile, signature, concurrency);
            wrk.run("warm-up ingest", ingestUrl, warmup, null);
            wrk.run("warm-up octokit", octokitUrl, warmup, null);
            for (int round = 1; round <= rounds; round++) {
                runs.add(wrk.run("ingest", ingestUrl, seconds, null));
                runs.add(wrk.run("octokit", octokitUrl, seconds, node.toHandle()));
            }
        } finally {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
            if (cluster != null) {
                cluster.close();
            }
        }
        report(body.length, concurrency, warmup, seconds, loadBefore, loadAverage(), runs);
    }

    /** wrk with the delivery script; {@code server} the receiver's process (null: this JVM, ingest and broker). */
    private record Wrk(Path script, Path body, String signature, int connections) {

        private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
        private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in");
        private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
        private static final Pattern ERRORS = Pattern.compile("Socket errors: connect ([0-9]+), read ([0-9]+), "
                + "write ([0-9]+), timeout ([0-9]+)");

        Run run(String what, String url, int seconds, ProcessHandle server) throws Exception {
            long cpuBefore = cpuNanos(server);
            String out = exec(null, List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                    "-s", script.toString(), url, "--", body.toString(), signature,
                    UUID.randomUUID().toString().substring(0, 8)), Duration.ofSeconds(seconds + 60L));
            long cpu = cpuNanos(server) - cpuBefore;
            long requests = Long.parseLong(find(TOTAL, out, what));
            long failed = 0;
            Matcher non2xx = NON_2XX.matcher(out);
            if (non2xx.find()) {
                failed += Long.parseLong(non2xx.group(1));
            }
            Matcher errors = ERRORS.matcher(out);
            if (errors.find()) {
                for (int i = 1; i <= 4; i++) {
                    failed += Long.parseLong(errors.group(i));
                }
            }
            return new Run(what, Double.parseDouble(find(RATE, out, what)), requests, failed,
                    latency(out, "50%"), latency(out, "99%"), cpu / 1e6 / Math.max(1, requests));
        }

        private static long cpuNanos(ProcessHandle server) {
            if (server == null) {
                return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            }
            return server.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        private static String find(Pattern pattern, String out, String what) {
            Matcher m = pattern.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("wrk (" + what + ") printed no " + pattern + ":\n" + out);
            }
            return m.group(1);
        }

        /** A percentile of wrk's latency distribution, in milliseconds. */
        private static double latency(String out, String percentile) {
            Matcher m = Pattern.compile(Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
            if (!m.find()) {
                return Double.NaN;
            }
            double value = Double.parseDouble(m.group(1));
            return switch (m.group(2)) {
                case "us" -> value / 1000;
                case "s" -> value * 1000;
                default -> value;
            };
        }
    }

    /** Runs a command to its end and returns what it printed; fails on a non-zero exit. */
    private static String exec(Path dir, List<String> command, Duration timeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " is needed (" + (command.get(0).equals("wrk")
                    ? "apt-get install wrk" : "Node.js 20 with npm") + "): " + e.getMessage(), e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void report(int bodyBytes, int concurrency, int warmup, int seconds, String loadBefore,
                               String loadAfter, List<Run> runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Ingest vs octokit's verify-only receiver: GitHub pull_request delivery "
                        + "of %d bytes, wrk -t2 -c%d, %d s a round after %d s of warm-up each; %d cores; load "
                        + "average (1/5/15 min) before %s, after %s%n", bodyBytes, concurrency, seconds, warmup,
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
        out.append(String.format(Locale.ROOT, "%-8s %6s %14s %9s %9s %8s %18s%n", "", "round", "deliveries/s",
                "p50 ms", "p99 ms", "failed", "CPU ms / delivery"));
        double ingest = 0;
        double octokit = 0;
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            out.append(String.format(Locale.ROOT, "%-8s %6d %14.0f %9.2f %9.2f %8d %18.3f%n", r.what(), i / 2 + 1,
                    r.rate(), r.p50Millis(), r.p99Millis(), r.failed(), r.cpuMillisPerRequest()));
            if (r.what().equals("ingest")) {
                ingest += r.rate();
            } else {
                octokit += r.rate();
            }
        }
        out.append(String.format(Locale.ROOT, "ingest / octokit: %.2f of the rate (rounds together; ingest's CPU "
                + "includes the in-process broker's)%n", ingest / octokit));
        System.out.print(out);
    }
}
