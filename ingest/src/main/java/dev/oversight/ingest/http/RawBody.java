package dev.oversight.ingest.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request's body exactly as sent, up to a limit, and puts it on the context for the next handler
 * ({@link #of(RoutingContext)}). Unlike Vert.x's BodyHandler it never decodes form bodies: a webhook signature
 * covers the raw bytes. Over the limit (by Content-Length or by what arrives) the request fails with 413.
 */
public final class RawBody implements Handler<RoutingContext> {

    private static final String KEY = "oversight.rawBody";

    private final long limit;

    public RawBody(long limit) {
        this.limit = limit;
    }

    public static byte[] of(RoutingContext ctx) {
        Buffer body = ctx.get(KEY);
        return body == null ? new byte[0] : body.getBytes();
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    ctx.fail(413);
                    return;
                }
            } catch (NumberFormatException e) {
                ctx.fail(400);
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] failed = {false};
        request.handler(chunk -> {
            if (failed[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                failed[0] = true;
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            if (!failed[0]) {
                failed[0] = true;
                ctx.fail(400, e);
            }
        });
        request.endHandler(v -> {
            if (!failed[0]) {
                ctx.put(KEY, body);
                ctx.next();
            }
        });
        request.resume();
    }
}
