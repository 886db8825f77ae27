package dev.oversight.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.IngestFixture;
import dev.oversight.ingest.Payloads;
import dev.oversight.testing.kafka.RealKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Uploads that stop or trickle are cut off and leave the server answering everyone else; shutdown lets a request in
 * flight finish. Raw sockets, so the test controls every byte and every pause.
 */
@ExtendWith(RealKafka.class)
class HttpRobustnessIT {

    private static final byte[] PUSH = Payloads.bytes("gitlab/go-gitlab/push.json");

    private static IngestFixture start(String name) throws Exception {
        return IngestFixture.start(RealKafka.bootstrapServers(), IngestFixture.newPrefix(name), Map.of(
                IngestConfig.IDLE_TIMEOUT.name(), "1s", IngestConfig.BODY_TIMEOUT.name(), "3s"));
    }

    /** The request line and headers of a GitLab push delivery whose body is {@code length} bytes. */
    private static byte[] head(String uuid, int length) {
        return ("POST /webhooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Gitlab-Event: Push Hook\r\nX-Gitlab-Event-UUID: " + uuid + "\r\nX-Gitlab-Token: "
                + IngestFixture.GITLAB_TOKEN + "\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static Socket connect(IngestFixture ingest) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", ingest.port()), 5000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Everything the server sends until it closes the connection. */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed with a reset: the connection is gone all the same
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anAbandonedUploadIsClosedAndWritesNothing() throws Exception {
        try (IngestFixture ingest = start("abandoned"); Socket socket = connect(ingest)) {
            String uuid = UUID.randomUUID().toString();
            OutputStream out = socket.getOutputStream();
            out.write(head(uuid, PUSH.length));
            out.write(PUSH, 0, 100);
            out.flush();
            long started = System.nanoTime();
            String answer = readUntilClosed(socket);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertThat(seconds).as("closed after %s s", seconds).isLessThan(10);
            assertThat(answer).doesNotContain("202");
            assertThat(ingest.gitlab("Push Hook", "after-" + uuid, PUSH).statusCode()).isEqualTo(202);
            assertThat(ingest.awaitDelivery(Topics.RAW, "after-" + uuid)).hasSize(1);
            assertThat(ingest.readAll(Topics.RAW)).hasSize(1);
        }
    }

    @Test
    void aTricklingUploadIsAnswered408WhileOthersAreServed() throws Exception {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (IngestFixture ingest = start("trickle"); Socket socket = connect(ingest)) {
            String uuid = UUID.randomUUID().toString();
            OutputStream out = socket.getOutputStream();
            out.write(head(uuid, PUSH.length));
            out.flush();
            // One byte every 300 ms: never idle for the idle timeout (1 s), far slower than the body timeout (3 s).
            int[] sent = {0};
            pacer.scheduleAtFixedRate(() -> {
                try {
                    out.write(PUSH[sent[0]++]);
                    out.flush();
                } catch (IOException closed) {
                    throw new IllegalStateException(closed);
                }
            }, 0, 300, TimeUnit.MILLISECONDS);
            // Others are served meanwhile: the slow upload holds nothing but its own connection.
            List<CompletableFuture<Integer>> others = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String other = "other-" + i + "-" + uuid;
                others.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return ingest.gitlab("Push Hook", other, PUSH).statusCode();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            assertThat(others.stream().map(CompletableFuture::join).toList()).containsOnly(202);
            String answer = readUntilClosed(socket);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("did not arrive in time");
            assertThat(sent[0]).isLessThan(PUSH.length);
            assertThat(ingest.readAll(Topics.RAW)).noneMatch(r -> uuid.equals(CloudEventHeaders.read(r.headers(),
                    CloudEventHeaders.ID)));
        } finally {
            pacer.shutdownNow();
        }
    }

    @Test
    void shutdownLetsARequestInFlightFinishAndTakesNoNewOnes() throws Exception {
        IngestFixture ingest = start("shutdown");
        String uuid = UUID.randomUUID().toString();
        try (Socket socket = connect(ingest)) {
            OutputStream out = socket.getOutputStream();
            out.write(head(uuid, PUSH.length));
            out.write(PUSH, 0, PUSH.length / 2);
            out.flush();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(ingest::close);
            awaitRefused(ingest.port(), Duration.ofSeconds(20));
            out.write(Arrays.copyOfRange(PUSH, PUSH.length / 2, PUSH.length));
            out.flush();
            String answer = readUntilClosed(socket);
            assertThat(answer).startsWith("HTTP/1.1 202");
            closing.get(30, TimeUnit.SECONDS);
        }
        assertThat(ingest.awaitDelivery(Topics.RAW, uuid)).hasSize(1);
    }

    /**
     * Waits until the server serves no new request: a new connection is refused, reset, or closed without an answer.
     */
    private static void awaitRefused(int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String answer;
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                probe.setSoTimeout(5000);
                probe.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                answer = readUntilClosed(probe);
            } catch (SocketException refusedOrReset) {
                return;
            }
            if (!answer.startsWith("HTTP/1.1 200")) {
                return;
            }
            assertThat(System.nanoTime()).as("still serving new requests during shutdown").isLessThan(deadline);
        }
    }
}
