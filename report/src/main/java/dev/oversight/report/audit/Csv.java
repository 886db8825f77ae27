package dev.oversight.report.audit;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;

/**
 * CSV as the package writes it (RFC 4180): a header row, CRLF line ends, a field quoted when it holds a comma, a
 * quote or a line break, a quote doubled inside it; times ISO-8601 in UTC, lists joined with {@code ;}, no value
 * empty.
 */
final class Csv {

    private Csv() {}

    static void row(Writer out, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(fields.get(i)));
        }
        out.write("\r\n");
    }

    static String field(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** A value read by {@link Evidence#value} as CSV shows it. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            StringBuilder joined = new StringBuilder();
            for (Object item : list) {
                joined.append(joined.isEmpty() ? "" : ";").append(item);
            }
            return joined.toString();
        }
        if (value instanceof Instant at) {
            return at.toString();
        }
        return value.toString();
    }
}
