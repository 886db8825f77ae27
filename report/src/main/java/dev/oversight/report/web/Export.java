package dev.oversight.report.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.oversight.report.projection.ReportDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A list as a download, streamed: the query runs on a cursor of its own (DuckDB streams results on the report's
 * connections) and rows go to the response in chunks of about 64 KiB as they are read, each chunk written only once
 * the one before it has been taken by the connection. A year of deploys is never held in memory.
 *
 * <p>CSV is RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a line break, a
 * quote doubled inside them. Lists (reasons) are joined with {@code ;}. JSON Lines: one object per row, keys the
 * column names, times ISO-8601 in UTC, lists as arrays. Times in CSV are ISO-8601 in UTC too.
 */
public final class Export {

    public enum Format {
        CSV("text/csv; charset=utf-8; header=present", "csv"),
        JSONL("application/jsonl; charset=utf-8", "jsonl");

        final String contentType;
        final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        /** The format asked for in {@code format=}, or null for the HTML page. */
        public static Format of(String parameter) {
            if (parameter == null || parameter.isBlank() || parameter.equals("html")) {
                return null;
            }
            try {
                return valueOf(parameter.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Filter.Invalid("format must be csv, jsonl or html, got '" + parameter + "'");
            }
        }
    }

    private static final int CHUNK = 64 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final ReportDatabase database;

    public Export(ReportDatabase database) {
        this.database = database;
    }

    /** Runs the query and streams its rows to the response, which it ends. Runs on a worker thread: it blocks. */
    public void stream(Sql query, Format format, String name, HttpServerResponse response) throws Exception {
        try (Connection c = database.reader(); PreparedStatement statement = query.prepare(c);
             ResultSet rs = statement.executeQuery()) {
            response.setChunked(true)
                    .putHeader("Content-Type", format.contentType)
                    .putHeader("Content-Disposition", "attachment; filename=\"" + name + "." + format.extension + "\"")
                    .putHeader("Cache-Control", "no-store");
            ResultSetMetaData meta = rs.getMetaData();
            int columns = meta.getColumnCount();
            String[] names = new String[columns];
            for (int i = 0; i < columns; i++) {
                names[i] = meta.getColumnLabel(i + 1);
            }
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(CHUNK + 4096);
            Writer out = new OutputStreamWriter(chunk, StandardCharsets.UTF_8);
            if (format == Format.CSV) {
                csvRow(out, List.of(names));
            }
            while (rs.next()) {
                if (format == Format.CSV) {
                    String[] values = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        values[i] = text(rs.getObject(i + 1));
                    }
                    csvRow(out, java.util.Arrays.asList(values));
                } else {
                    jsonRow(out, names, rs);
                }
                out.flush();
                if (chunk.size() >= CHUNK) {
                    send(response, chunk);
                }
            }
            out.flush();
            send(response, chunk);
            response.end().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /** Writes a chunk and waits until the connection took it: the cursor advances no faster than the client reads. */
    private static void send(HttpServerResponse response, ByteArrayOutputStream chunk) throws Exception {
        if (chunk.size() == 0) {
            return;
        }
        Buffer buffer = Buffer.buffer(chunk.toByteArray());
        chunk.reset();
        response.write(buffer).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    }

    /** One CSV row (RFC 4180, CRLF), as the exports and the audit package write it. */
    public static void csvRow(Writer out, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(csvField(fields.get(i)));
        }
        out.write("\r\n");
    }

    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** A value as CSV shows it: times ISO-8601 UTC, lists joined with ';'. */
    static String text(Object value) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof java.sql.Array || value instanceof Object[]) {
            return String.join(";", Sql.list(value));
        }
        if (value instanceof java.time.LocalDateTime || value instanceof java.sql.Timestamp) {
            return Sql.instant(value).toString();
        }
        return value.toString();
    }

    private static void jsonRow(Writer out, String[] names, ResultSet rs) throws IOException, SQLException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            for (int i = 0; i < names.length; i++) {
                g.writeFieldName(names[i]);
                jsonValue(g, rs.getObject(i + 1));
            }
            g.writeEndObject();
        }
        out.write('\n');
    }

    /**
     * A value as the JSON exports write it: null, a boolean, a whole number, a list as an array of strings, a time
     * as ISO-8601 in UTC, anything else as its text.
     */
    public static void jsonValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof java.sql.Array || value instanceof Object[] || value instanceof List<?>) {
            g.writeStartArray();
            for (Object item : value instanceof List<?> list ? list : listOf(value)) {
                g.writeString(String.valueOf(item));
            }
            g.writeEndArray();
        } else if (value instanceof java.time.LocalDateTime || value instanceof java.sql.Timestamp) {
            g.writeString(Sql.instant(value).toString());
        } else {
            g.writeString(value.toString());
        }
    }

    private static List<String> listOf(Object value) throws IOException {
        try {
            return Sql.list(value);
        } catch (SQLException e) {
            throw new IOException("reading a list from the database", e);
        }
    }
}
