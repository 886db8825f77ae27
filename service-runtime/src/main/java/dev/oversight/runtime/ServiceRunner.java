package dev.oversight.runtime;

import dev.oversight.runtime.config.ConfigException;
import dev.oversight.runtime.http.ServiceHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs services in one process: starts them in order, then the HTTP server (/metrics, /health and the services'
 * routes); {@link #close()} drains HTTP first, then closes the services in reverse order.
 */
public final class ServiceRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    private final Vertx vertx;
    private final List<ManagedService> started;
    private final ServiceHttpServer http;
    private final String deploymentId;

    private ServiceRunner(Vertx vertx, List<ManagedService> started, ServiceHttpServer http, String deploymentId) {
        this.vertx = vertx;
        this.started = started;
        this.http = http;
        this.deploymentId = deploymentId;
    }

    public static ServiceRunner start(String host, int port, Duration idleTimeout, PrometheusMeterRegistry registry,
                                      List<? extends ManagedService> services) throws Exception {
        Vertx vertx = Vertx.vertx();
        List<ManagedService> started = new ArrayList<>();
        try {
            for (ManagedService service : services) {
                service.start();
                started.add(service);
            }
            ServiceHttpServer http = new ServiceHttpServer(host, port, registry, services, idleTimeout);
            String id = vertx.deployVerticle(http).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new ServiceRunner(vertx, started, http, id);
        } catch (ExecutionException e) {
            closeAll(started, vertx);
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : e;
        } catch (Exception | Error e) {
            closeAll(started, vertx);
            throw e;
        }
    }

    public int httpPort() {
        return http.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
        closeAll(started, vertx);
    }

    private static void closeAll(List<ManagedService> started, Vertx vertx) {
        List<ManagedService> reversed = new ArrayList<>(started);
        Collections.reverse(reversed);
        for (ManagedService service : reversed) {
            try {
                service.close();
            } catch (RuntimeException e) {
                LOG.warn("{} did not close cleanly", service.name(), e);
            }
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("closing Vert.x", e);
        }
    }

    /**
     * The body of a service's {@code main}: runs until SIGTERM/SIGINT, then shuts down cleanly. A configuration
     * problem is printed and exits with status 2; any other failure to start exits with 1.
     */
    public static void runUntilSignalled(String name, StartAction action) {
        ServiceRunner runner;
        try {
            runner = action.start();
        } catch (ConfigException e) {
            System.err.println(name + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            LOG.error("{} could not start", name, e);
            System.exit(1);
            return;
        }
        LOG.info("{} running; /metrics and /health on port {}", name, runner.httpPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} shutting down", name);
            runner.close();
            stopped.countDown();
        }, name + "-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the services and returns their runner. */
    @FunctionalInterface
    public interface StartAction {
        ServiceRunner start() throws Exception;
    }
}
