package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oversight up}, in a JVM of its own, fails fast on what it can check before starting anything: it names
 * the host and port and says what to do, well before Kafka's own 60 s timeout would have said anything.
 */
class StartupChecksIT {

    /** Kafka's clients wait this long by default ({@code default.api.timeout.ms}) before they report anything. */
    private static final Duration KAFKA_DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Loosely "before the default Kafka timeout", with room for a loaded machine. */
    private static final Duration FAST = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Map<String, String> env(int kafkaPort) {
        return Map.of("OVERSIGHT_HTTP_HOST", "127.0.0.1", "OVERSIGHT_KAFKA_PORT", Integer.toString(kafkaPort));
    }

    private static String errors(OversightProcess process) {
        return String.join("\n", process.lines().stream().filter(OversightProcess.Line::stderr)
                .map(OversightProcess.Line::text).toList());
    }

    @Test
    void aTakenHttpPortIsNamedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            try (OversightProcess up = OversightProcess.start(dir, env(TwoOversightsIT.freePort()), "up", "--port",
                    Integer.toString(port))) {
                assertThat(up.awaitExit(FAST)).isEqualTo(1);
                assertThat(up.elapsed()).isLessThan(FAST);
                assertThat(errors(up)).isEqualTo("oversight: port " + port + " on 127.0.0.1 is in use, so webhooks "
                        + "cannot be received there; stop what uses it, or choose another port with --port N");
            }
        }
        assertThat(dir.resolve("data").resolve("kafka")).as("no broker was started").doesNotExist();
    }

    @Test
    void aTakenKafkaPortIsNamedBeforeTheBrokerStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            try (OversightProcess up = OversightProcess.start(dir, env(port), "up", "--port",
                    Integer.toString(TwoOversightsIT.freePort()))) {
                assertThat(up.awaitExit(FAST)).isEqualTo(1);
                assertThat(errors(up)).isEqualTo("oversight: port " + port + " on 127.0.0.1 is in use, so the embedded "
                        + "Kafka broker cannot listen there; stop what uses it, set OVERSIGHT_KAFKA_PORT to another "
                        + "port, or use --bootstrap-servers HOST:PORT to use a running Kafka");
            }
        }
        assertThat(dir.resolve("data").resolve("kafka")).doesNotExist();
    }

    @Test
    void anUnreachableKafkaIsAnnouncedWithinSecondsAndNamedWellBeforeKafkasTimeout() throws Exception {
        int nothingThere = TwoOversightsIT.freePort();
        try (OversightProcess up = OversightProcess.start(dir, env(TwoOversightsIT.freePort()), "up", "--port",
                Integer.toString(TwoOversightsIT.freePort()), "--bootstrap-servers", "127.0.0.1:" + nothingThere)) {
            OversightProcess.Line waiting = up.await(line -> line.startsWith("Waiting for Kafka at 127.0.0.1:"
                    + nothingThere), FAST);
            assertThat(waiting.at()).as("said what it waits for within seconds of its start")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(up.awaitExit(KAFKA_DEFAULT_TIMEOUT)).isEqualTo(1);
            assertThat(up.elapsed()).isLessThan(FAST);
            assertThat(errors(up)).endsWith("oversight: cannot reach Kafka at 127.0.0.1:" + nothingThere
                    + " (connection refused); is it running? Use --bootstrap-servers HOST:PORT or unset "
                    + "KAFKA_BOOTSTRAP_SERVERS to use the embedded broker.")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void aDataDirectoryThatCannotBeUsedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "");
        try (OversightProcess up = OversightProcess.start(dir, env(TwoOversightsIT.freePort()), "up", "--port",
                Integer.toString(TwoOversightsIT.freePort()), "--data-dir", file.toString())) {
            assertThat(up.awaitExit(FAST)).isEqualTo(1);
            assertThat(errors(up)).startsWith("oversight: cannot use the data directory " + file + " (")
                    .endsWith("); make it writable, or use --data-dir DIR");
        }
    }
}
