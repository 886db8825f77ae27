package dev.oversight.bench;

import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An Oversight service in a JVM of its own (its {@code main}), as it runs in production, to be killed and restarted. */
final class ChildService {

    /** A service, by the main class that runs it alone and the name it logs. */
    enum Kind {
        INGEST("ingest", "dev.oversight.ingest.IngestMain"),
        POLICY_STREAM("policy-stream", "dev.oversight.policy.PolicyStreamMain"),
        ROLLBACK_WORKER("rollback-worker", "dev.oversight.rollback.RollbackWorkerMain");

        final String logName;
        final String mainClass;

        Kind(String logName, String mainClass) {
            this.logName = logName;
            this.mainClass = mainClass;
        }
    }

    private final Kind kind;
    private final Process process;
    private final Path log;
    private final long startedAt;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int port = -1;

    private ChildService(Kind kind, Process process, Path log, long startedAt) {
        this.kind = kind;
        this.process = process;
        this.log = log;
        this.startedAt = startedAt;
    }

    /**
     * Starts the service on the cluster and topic prefix given, with its data in {@code dataDir} and only the
     * settings given (nothing of this process's environment that names Oversight or Kafka).
     */
    static ChildService start(Kind kind, KafkaConnection kafka, Path dataDir, Path log, Map<String, String> settings)
            throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // BENCH_CHILD_OPTS: JVM options for the services (e.g. a log configuration that shows Kafka's own steps).
        String options = System.getenv().getOrDefault("BENCH_CHILD_OPTS", "").strip();
        if (!options.isEmpty()) {
            command.addAll(java.util.List.of(options.split("\\s+")));
        }
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), kind.mainClass));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("OVERSIGHT_") || k.startsWith("KAFKA_"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("OVERSIGHT_TOPIC_PREFIX", kafka.topicPrefix());
        env.put("OVERSIGHT_TOPIC_PARTITIONS", "3");
        env.put("OVERSIGHT_DATA_DIR", dataDir.toString());
        env.put("OVERSIGHT_HTTP_HOST", "127.0.0.1");
        env.put("OVERSIGHT_HTTP_PORT", "0");
        env.putAll(settings);
        long offset = Files.exists(log) ? Files.size(log) : 0;
        long startedAt = System.nanoTime();
        ChildService child = new ChildService(kind, builder.start(), log, startedAt);
        child.logOffset = offset;
        return child;
    }

    private long logOffset;

    long startedAt() {
        return startedAt;
    }

    Path log() {
        return log;
    }

    int port() {
        return port;
    }

    /** Waits for {@code /health/ready} to answer 200 and returns the seconds since the process was started. */
    double awaitReady(Duration within) throws Exception {
        Pattern running = Pattern.compile(Pattern.quote(kind.logName) + " running; /metrics and /health on port (\\d+)");
        long deadline = System.nanoTime() + within.toNanos();
        port = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(kind.logName + " exited with " + process.exitValue() + "; see " + log);
            }
            if (port < 0) {
                String text = Files.readString(log);
                Matcher m = running.matcher(text.substring((int) Math.min(logOffset, text.length())));
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            } else {
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return (System.nanoTime() - startedAt) / 1e9;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(kind.logName + " was not ready within " + within + "; see " + log);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, a clean stop. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
