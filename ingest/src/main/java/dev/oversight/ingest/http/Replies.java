package dev.oversight.ingest.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON answers of the webhook routes. */
public final class Replies {

    private Replies() {}

    public static void json(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** An error answer: {@code {"status": 400, "error": "what is wrong"}}. */
    public static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("status", status).put("error", message));
    }
}
