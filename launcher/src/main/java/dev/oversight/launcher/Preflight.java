package dev.oversight.launcher;

import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * What can be checked before anything starts, so that a platform that cannot run says so at once, naming what is
 * wrong and what to do, instead of after starting everything else: the ports it will listen on, and an external
 * Kafka cluster it will use.
 */
final class Preflight {

    /** How long {@code up} waits for an external Kafka before it gives up: well within Kafka's 60 s default. */
    static final Duration KAFKA_WAIT = Duration.ofSeconds(15);
    /** How long a first try at Kafka may take before the wait is announced. */
    static final Duration KAFKA_QUIET = Duration.ofSeconds(2);

    private Preflight() {}

    /** Something a platform needs is not there; the message says what and what to do, in one line. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    /**
     * The HTTP server can listen where it is told: the address is one of this machine's, and the port is free on
     * it (0 picks a free one, always free).
     */
    static void httpPortFree(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new Failure("cannot listen on " + host + ": no such host; set " + CommonSettings.HTTP_HOST.name()
                    + " to an address of this machine, or 0.0.0.0 for all of them");
        }
        String why = bind(address);
        if (why != null && port != 0 && free(host, 0)) {
            throw new Failure("port " + port + " on " + host + " is in use, so webhooks cannot be received there; "
                    + "stop what uses it, or choose another port with --port N");
        }
        if (why != null) {
            throw new Failure("cannot listen on " + host + " (" + why + "); set " + CommonSettings.HTTP_HOST.name()
                    + " to an address of this machine, or 0.0.0.0 for all of them");
        }
    }

    /** The embedded broker's port is free on 127.0.0.1 (0 picks a free one). */
    static void kafkaPortFree(int port) {
        if (port != 0 && !free("127.0.0.1", port)) {
            throw new Failure("port " + port + " on 127.0.0.1 is in use, so the embedded Kafka broker cannot listen "
                    + "there; stop what uses it, set " + Platform.KAFKA_PORT.name() + " to another port, or use "
                    + "--bootstrap-servers HOST:PORT to use a running Kafka");
        }
    }

    /** Whether a server can listen on the address now (as Vert.x and Kafka bind: with SO_REUSEADDR). */
    static boolean free(String host, int port) {
        return bind(new InetSocketAddress(host, port)) == null;
    }

    /** @return null when a server could listen on the address now, else why not */
    private static String bind(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
            return null;
        } catch (IOException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /**
     * Waits until an external Kafka answers, for at most {@link #KAFKA_WAIT}; says what it waits for once the first
     * try has taken {@link #KAFKA_QUIET}.
     *
     * @throws Failure naming the servers, why they cannot be reached, and what to do
     */
    static void awaitKafka(KafkaConnection kafka, Duration wait, Consumer<String> progress) {
        String servers = kafka.bootstrapServers();
        long started = System.nanoTime();
        long deadline = started + wait.toNanos();
        Map<String, Object> props = kafka.common("oversight-preflight");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_QUIET.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) wait.toMillis());
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        boolean announced = false;
        Exception last = null;
        Admin admin = null;
        try {
            admin = Admin.create(props);
            while (System.nanoTime() < deadline) {
                long remaining = deadline - System.nanoTime();
                long slice = announced ? remaining : Math.min(remaining, KAFKA_QUIET.toNanos());
                try {
                    admin.describeCluster().nodes().get(Math.max(1, slice), TimeUnit.NANOSECONDS);
                    return;
                } catch (TimeoutException e) {
                    last = e;
                } catch (ExecutionException e) {
                    last = e.getCause() instanceof Exception cause ? cause : e;
                    sleepUntil(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)));
                }
                if (!announced) {
                    progress.accept("Waiting for Kafka at " + servers + " (up to " + wait.toSeconds() + " s) ...");
                    announced = true;
                }
            }
        } catch (KafkaException e) {
            throw new Failure("cannot use Kafka at " + servers + " (" + rootMessage(e) + "); " + advice());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while waiting for Kafka at " + servers);
        } finally {
            if (admin != null) {
                admin.close(Duration.ZERO);    // what is still pending would hold a plain close() for its timeout
            }
        }
        throw new Failure("cannot reach Kafka at " + servers + " (" + diagnose(servers, last) + "); is it running? "
                + advice());
    }

    private static String advice() {
        return "Use --bootstrap-servers HOST:PORT or unset " + KafkaConnection.BOOTSTRAP.name()
                + " to use the embedded broker.";
    }

    /** Why the servers did not answer: what a plain TCP connection to each says. */
    static String diagnose(String servers, Exception kafkaError) {
        List<String> reasons = new ArrayList<>();
        boolean anyConnects = false;
        for (String server : servers.split(",")) {
            String trimmed = server.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0) {
                reasons.add(trimmed + ": not HOST:PORT");
                continue;
            }
            String host = trimmed.substring(0, colon);
            int port;
            try {
                port = Integer.parseInt(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                reasons.add(trimmed + ": not HOST:PORT");
                continue;
            }
            String reason = connect(host, port);
            if (reason == null) {
                anyConnects = true;
            } else {
                reasons.add(reasons.isEmpty() && !servers.contains(",") ? reason : trimmed + ": " + reason);
            }
        }
        if (anyConnects) {
            return "it accepts connections but did not answer as Kafka does in " + KAFKA_WAIT.toSeconds() + " s"
                    + (kafkaError == null ? "" : ": " + rootMessage(kafkaError))
                    + "; check OVERSIGHT_KAFKA_SECURITY_PROTOCOL and the other OVERSIGHT_KAFKA_* settings";
        }
        return String.join(", ", reasons);
    }

    /** @return null when a TCP connection is made, else why not */
    private static String connect(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return null;
        } catch (UnknownHostException e) {
            return "unknown host " + host;
        } catch (ConnectException e) {
            return "connection refused";
        } catch (SocketTimeoutException e) {
            return "timed out";
        } catch (NoRouteToHostException e) {
            return "no route to host";
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
