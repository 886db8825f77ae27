package dev.oversight.runtime.http;

import dev.oversight.runtime.ManagedService;
import dev.oversight.runtime.config.CommonSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server of a process: /metrics and /health for every service in it, plus the routes a service
 * mounts (ingest's webhooks). The router is built in {@link #start()}.
 */
public final class ServiceHttpServer extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceHttpServer.class);

    private final String host;
    private final int port;
    private final PrometheusMeterRegistry registry;
    private final List<? extends ManagedService> services;
    private final Duration idleTimeout;
    private HttpServer server;

    public ServiceHttpServer(String host, int port, PrometheusMeterRegistry registry,
                             List<? extends ManagedService> services, Duration idleTimeout) {
        this.host = host;
        this.port = port;
        this.registry = registry;
        this.services = List.copyOf(services);
        this.idleTimeout = idleTimeout;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        new OpsRoutes(registry, services).mount(router);
        services.forEach(s -> s.mount(router));
        router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "no route " + ctx.request().method() + " " + ctx.request().path()).encode()));
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setIdleTimeout((int) idleTimeout.toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxHeaderSize(64 * 1024);
        return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> {
            server = s;
            LOG.debug("HTTP server listening on {}:{}", host, s.actualPort());
        }).recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + host + ":" + port
                + " (" + e.getMessage() + "); choose another port with " + CommonSettings.HTTP_PORT.name(), e)));
    }

    /** Drains in-flight requests for up to the given time, then closes. */
    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
    }

    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }
}
