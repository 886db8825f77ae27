package dev.oversight.ingest.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Arrays;

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
        byte[] body = ctx.get(KEY);
        return body == null ? new byte[0] : body;
    }

    public long limit() {
        return limit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        long announced = -1;
        if (length != null) {
            try {
                announced = Long.parseLong(length.trim());
                if (announced > limit) {
                    ctx.fail(413);
                    return;
                }
            } catch (NumberFormatException e) {
                ctx.fail(400);
                return;
            }
        }
        // The bytes are copied once, from each chunk into the array the body is then handed on as: sized by
        // Content-Length when the request gives one (up to 64 KiB at first: a length announced is not yet a body
        // received), grown otherwise.
        Bytes body = new Bytes(announced >= 0 ? (int) Math.min(announced, 64 * 1024) : 8192);
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
            if ((long) body.length() + chunk.length() > limit) {
                finished[0] = true;
                ctx.vertx().cancelTimer(timer);
                ctx.fail(413);
                return;
            }
            body.append(chunk);
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
                ctx.put(KEY, body.toArray());
                ctx.next();
            }
        });
        request.resume();
    }

    /** A body as it arrives, chunk by chunk. */
    private static final class Bytes {
        private byte[] bytes;
        private int length;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        int length() {
            return length;
        }

        void append(Buffer chunk) {
            int n = chunk.length();
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
            }
            chunk.getBytes(0, n, bytes, length);
            length += n;
        }

        /** The body: the array itself when it is exactly full (the usual case, with a Content-Length). */
        byte[] toArray() {
            return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        }
    }
}
