package dev.oversight.report.projection;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import java.io.IOException;

/**
 * Reads a verdict, and tells whether DuckDB reads its lists (reasons, changes, checks) from its JSON exactly as the
 * verdict was read ({@code ProjectionWriter} makes them with {@code from_json}). It does for what policy-stream
 * writes. It would not, or would fail, for JSON the verdict's reader accepts but reads otherwise: a byte order mark,
 * content after the document, a key twice (DuckDB takes the first, the reader the last), a number or boolean where a
 * text is expected (the reader takes its text as written, DuckDB as it prints it), an escaped UTF-16 surrogate
 * (DuckDB refuses a lone one). Such a verdict is read as before and its lists are appended from what was read.
 */
final class ListsJson {

    /** A verdict as read, and whether DuckDB reads its lists from its JSON alike. */
    record Read(Verdict verdict, boolean listsReadAlike) {}

    /** The verdict's reader, refusing what DuckDB would read otherwise (but the byte checks of {@link #read}). */
    private static final ObjectReader STRICT;

    static {
        ObjectMapper strict = Json.mapper().copy()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        strict.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        STRICT = strict.readerFor(Verdict.class);
    }

    private ListsJson() {}

    /**
     * Reads a verdict as {@link Json#fromBytes} does (failing as it fails), once in the common case.
     *
     * @throws RuntimeException when it is not a readable verdict
     */
    static Read read(byte[] json) {
        try {
            Verdict strict = STRICT.readValue(json);
            return new Read(strict, !startsWithByteOrderMark(json) && !hasSurrogateEscape(json));
        } catch (IOException | RuntimeException e) {
            return new Read(Json.fromBytes(json, Verdict.class), false);
        }
    }

    private static boolean startsWithByteOrderMark(byte[] json) {
        return json.length >= 3 && (json[0] & 0xFF) == 0xEF && (json[1] & 0xFF) == 0xBB && (json[2] & 0xFF) == 0xBF;
    }

    /** Whether the text has {@code \}{@code uD800}–{@code \}{@code uDFFF} in it (an escaped half of a surrogate pair). */
    private static boolean hasSurrogateEscape(byte[] json) {
        for (int i = 0; i + 3 < json.length; i++) {
            if (json[i] == '\\' && json[i + 1] == 'u' && (json[i + 2] == 'd' || json[i + 2] == 'D')) {
                byte b = json[i + 3];
                if ((b >= '8' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')) {
                    return true;
                }
            }
        }
        return false;
    }
}
