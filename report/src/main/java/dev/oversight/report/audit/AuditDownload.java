package dev.oversight.report.audit;

import dev.oversight.report.projection.ReportDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /reports/audit}: the audit package of the service's projection as a zip, streamed as it is written
 * (chunks of 64 KiB, each sent once the connection took the one before), so a year of deploys is never held in memory.
 * Runs on a worker thread: it blocks.
 */
public final class AuditDownload {

    private static final int CHUNK = 64 * 1024;

    private final ReportDatabase database;
    private final Map<String, Object> source;
    private final AuditPackage writer;
    private final java.util.function.Supplier<Object> ledger;
    private final AuditPackage.LedgerBundle bundle;

    /**
     * @param source what the manifest says of where the rows came from (the service, its topics)
     * @param ledger the verdict ledger's heads and checkpoints, read when a package is written
     * @param bundle writes the ledger bundle of a package's scope, or null for none
     */
    public AuditDownload(ReportDatabase database, Map<String, Object> source, java.util.function.Supplier<Object> ledger,
                         AuditPackage.LedgerBundle bundle, Clock clock) {
        this.database = database;
        this.source = Map.copyOf(source);
        this.ledger = ledger;
        this.bundle = bundle;
        this.writer = new AuditPackage(clock);
    }

    /** Writes the package of {@code scope} to the response and ends it; {@code query} is the request's URI. */
    public void stream(AuditScope scope, String query, HttpServerResponse response) throws Exception {
        try (Connection c = database.reader()) {
            response.setChunked(true)
                    .putHeader("Content-Type", "application/zip")
                    .putHeader("Content-Disposition", "attachment; filename=\"" + scope.name() + ".zip\"")
                    .putHeader("Cache-Control", "no-store");
            ResponseStream body = new ResponseStream(response);
            try (PackageOutput zip = PackageOutput.zip(body, scope.name())) {
                writer.write(c, scope, new AuditPackage.Source(source, query, ledger.get(), bundle), zip);
            }
            body.flush();
            response.end().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /** Bytes to the response in chunks, each written only once the connection has taken the one before. */
    private static final class ResponseStream extends OutputStream {

        private final HttpServerResponse response;
        private final byte[] chunk = new byte[CHUNK];
        private int size;

        ResponseStream(HttpServerResponse response) {
            this.response = response;
        }

        @Override
        public void write(int b) throws IOException {
            if (size == CHUNK) {
                flush();
            }
            chunk[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (size == CHUNK) {
                    flush();
                }
                int n = Math.min(len, CHUNK - size);
                System.arraycopy(b, off, chunk, size, n);
                size += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            if (size == 0) {
                return;
            }
            Buffer buffer = Buffer.buffer(size).appendBytes(chunk, 0, size);
            size = 0;
            try {
                response.write(buffer).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the download was interrupted");
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("the client did not take the download", e);
            }
        }
    }
}
