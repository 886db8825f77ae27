package dev.oversight.ingest.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Reads a request's body exactly as sent, up to a limit, and puts it on the context for the next handler
 * ({@link #of(RoutingContext)}). Unlike Vert.x's BodyHandler it never decodes form bodies: a webhook signature
 * covers the raw bytes. Over the limit (by Content-Length or by what arrives) the request fails with 413; a body
 * that has not fully arrived within the time allowed fails with 408 (an upload that trickles in; one that stops
 * altogether is closed by the server's idle timeout).
 */
public final class RawBody implements Handler<RoutingContext> {

    private static final String KEY = "oversight.rawBody";

    private final long limit;
    private final long timeoutMillis;

    public RawBody(long limit, Duration timeout) {
        this.limit = limit;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
    }

    public static byte[] of(RoutingContext ctx) {
        Buffer body = ctx.get(KEY);
        return body == null ? new byte[0] : body.getBytes();
    }

    public long limit() {
        return limit;
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
        boolean[] finished = {false};
        long timer = ctx.vertx().setTimer(timeoutMillis, id -> {
            if (!finished[0]) {
                finished[0] = true;
                ctx.fail(408);
            }
        });
        request.handler(chunk -> {
            if (finished[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                finished[0] = true;
                ctx.vertx().cancelTimer(timer);
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            if (!finished[0]) {
                finished[0] = true;
                ctx.vertx().cancelTimer(timer);
                ctx.fail(400, e);
            }
        });
        request.endHandler(v -> {
            if (!finished[0]) {
                finished[0] = true;
                ctx.vertx().cancelTimer(timer);
                ctx.put(KEY, body);
                ctx.next();
            }
        });
        request.resume();
    }
}
