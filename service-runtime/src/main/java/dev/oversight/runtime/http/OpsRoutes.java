package dev.oversight.runtime.http;

import dev.oversight.runtime.ManagedService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /metrics} (Prometheus text format), {@code GET /health/live} and {@code GET /health/ready}
 * (200 when every service is ready, 503 with each one's detail otherwise).
 */
public final class OpsRoutes {

    private final PrometheusMeterRegistry registry;
    private final List<? extends ManagedService> services;

    public OpsRoutes(PrometheusMeterRegistry registry, List<? extends ManagedService> services) {
        this.registry = registry;
        this.services = List.copyOf(services);
    }

    public void mount(Router router) {
        router.get("/metrics").handler(this::handleMetrics);
        router.get("/health/live").handler(this::handleLive);
        router.get("/health/ready").handler(this::handleReady);
    }

    private void handleMetrics(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape());
    }

    private void handleLive(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("status", "UP").encode());
    }

    private void handleReady(RoutingContext ctx) {
        JsonObject checks = new JsonObject();
        boolean allReady = true;
        for (ManagedService service : services) {
            ManagedService.Readiness readiness = service.readiness();
            allReady &= readiness.ready();
            checks.put(service.name(), new JsonObject()
                    .put("status", readiness.ready() ? "UP" : "DOWN")
                    .put("detail", readiness.detail()));
        }
        ctx.response()
                .setStatusCode(allReady ? 200 : 503)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", allReady ? "UP" : "DOWN").put("checks", checks).encode());
    }
}
