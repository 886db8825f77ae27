package dev.oversight.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that bytes are what RFC 8259 calls JSON text exchanged between systems: UTF-8, strictly, in a single pass
 * over the bytes. The raw delivery on {@code oversight.raw} is the body verbatim, so a body that passes is a string
 * every reader reads the same; and what the evidence says is then what the bytes say. Refused, with where:
 *
 * <ul>
 *   <li>bytes that are not UTF-8: a stray continuation byte, a truncated sequence, an overlong form (such as
 *       {@code C0 AF}, which a lenient decoder reads as {@code /}), an encoded surrogate ({@code ED A0 80}), a code
 *       point above U+10FFFF;</li>
 *   <li>a NUL byte: never valid in JSON text, and how a UTF-16 or UTF-32 body looks to a UTF-8 reader;</li>
 *   <li>a byte-order mark at the start;</li>
 *   <li>in JSON strings (field names too), a {@code \}{@code u} escape of a lone surrogate: a high surrogate not
 *       followed by the escape of a low one, or a low one alone. Such a string has no UTF-8 form, so no reader
 *       downstream can write it.</li>
 * </ul>
 *
 * Everything else (whether the JSON is complete and well-formed) is the parser's to say.
 */
public final class JsonText {

    /**
     * Eight bytes read little-endian: the first of them is the lowest byte, so the lowest bit set in
     * {@link #special}'s answer is in the first byte that needs a look.
     */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private JsonText() {}

    /** Checks bytes that hold JSON: UTF-8 and no lone surrogate escape. */
    public static void requireJson(byte[] bytes, String what) {
        check(bytes, 0, bytes.length, true, what, true);
    }

    /** Checks bytes that hold text other than JSON (a form body): UTF-8 only. */
    public static void requireUtf8(byte[] bytes, String what) {
        check(bytes, 0, bytes.length, false, what, true);
    }

    /**
     * @param wordAtATime whether to pass over eight bytes at a time where none needs a look (always, but for the test
     *                    that compares both ways)
     */
    static void check(byte[] b, int from, int to, boolean json, String what, boolean wordAtATime) {
        if (to - from >= 3 && (b[from] & 0xFF) == 0xEF && (b[from + 1] & 0xFF) == 0xBB
                && (b[from + 2] & 0xFF) == 0xBF) {
            throw refused(what, "starts with a byte-order mark (send UTF-8 without one)", from);
        }
        boolean inString = false;
        int i = from;
        while (i < to) {
            // Eight bytes at a time up to the next byte that needs a look (see special): most bytes need none.
            if (wordAtATime && i + Long.BYTES <= to) {
                long special = special((long) LONGS.get(b, i));
                if (special == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Long.numberOfTrailingZeros(special) >>> 3;
            }
            int c = b[i] & 0xFF;
            if (c >= 0x80) {
                i = multiByte(b, i, to, what);
                continue;
            }
            if (c == 0) {
                throw refused(what, "holds a NUL byte (UTF-16 and UTF-32 are not accepted: send UTF-8)", i);
            }
            if (json) {
                if (c == '"') {
                    inString = !inString;
                } else if (c == '\\' && inString) {
                    i = escape(b, i, to, what);
                    continue;
                }
            }
            i++;
        }
    }

    /**
     * For eight bytes, a word whose lowest set bit (if any) is the high bit of the first of them that {@link #check}
     * looks at: a byte of 0x80 or above, NUL, a quote or a backslash. Bytes after the first such one may be marked
     * wrongly (a borrow carries into them); only the first counts.
     */
    private static long special(long word) {
        return word & HIGHS | zeroByte(word) | zeroByte(word ^ ONES * '"') | zeroByte(word ^ ONES * '\\');
    }

    /** The high bit of the first zero byte among eight, set (and possibly others after it). */
    private static long zeroByte(long word) {
        return (word - ONES) & ~word & HIGHS;
    }

    /** Checks the UTF-8 sequence starting at {@code i}; returns the index after it. */
    private static int multiByte(byte[] b, int i, int to, String what) {
        int c = b[i] & 0xFF;
        int length;
        int min = 0x80;
        int max = 0xBF;
        if (c < 0xC2) {
            throw refused(what, c < 0xC0 ? "is not UTF-8: a continuation byte without a lead byte"
                    : "is not UTF-8: an overlong encoding", i);
        } else if (c < 0xE0) {
            length = 2;
        } else if (c < 0xF0) {
            length = 3;
            if (c == 0xE0) {
                min = 0xA0; // below: overlong
            } else if (c == 0xED) {
                max = 0x9F; // above: U+D800..U+DFFF, a surrogate encoded
            }
        } else if (c < 0xF5) {
            length = 4;
            if (c == 0xF0) {
                min = 0x90; // below: overlong
            } else if (c == 0xF4) {
                max = 0x8F; // above: beyond U+10FFFF
            }
        } else {
            throw refused(what, "is not UTF-8: byte 0x" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                    + " (beyond U+10FFFF)", i);
        }
        if (i + length > to) {
            throw refused(what, "is not UTF-8: a sequence cut short at the end", i);
        }
        int second = b[i + 1] & 0xFF;
        if (second < min || second > max) {
            String why = second < 0x80 || second > 0xBF ? "a sequence cut short"
                    : c == 0xED ? "an encoded surrogate" : c == 0xF4 ? "a code point beyond U+10FFFF"
                    : "an overlong encoding";
            throw refused(what, "is not UTF-8: " + why, i);
        }
        for (int k = 2; k < length; k++) {
            int next = b[i + k] & 0xFF;
            if (next < 0x80 || next > 0xBF) {
                throw refused(what, "is not UTF-8: a sequence cut short", i);
            }
        }
        return i + length;
    }

    /**
     * Checks the escape at {@code i} (a backslash in a string); returns the index after it. Only {@code \}{@code u}
     * escapes of surrogates are looked at closely: the parser says what else is wrong.
     */
    private static int escape(byte[] b, int i, int to, String what) {
        if (i + 1 >= to || b[i + 1] != 'u') {
            return i + 2;
        }
        int unit = hex4(b, i + 2, to);
        if (unit < 0 || !Character.isSurrogate((char) unit)) {
            return i + 2;
        }
        if (Character.isHighSurrogate((char) unit) && i + 11 < to && b[i + 6] == '\\' && b[i + 7] == 'u') {
            int low = hex4(b, i + 8, to);
            if (low >= 0 && Character.isLowSurrogate((char) low)) {
                return i + 12;
            }
        }
        throw refused(what, "holds the escape of a lone surrogate (\\u"
                + Integer.toHexString(unit).toUpperCase(java.util.Locale.ROOT)
                + "): a string must be well-formed Unicode", i);
    }

    /** The value of four hex digits at {@code i}, or -1. */
    private static int hex4(byte[] b, int i, int to) {
        if (i + 4 > to) {
            return -1;
        }
        int value = 0;
        for (int k = i; k < i + 4; k++) {
            int digit = Character.digit(b[k], 16);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static MalformedPayloadException refused(String what, String problem, int at) {
        return new MalformedPayloadException(what + " is not valid JSON: it " + problem + " at byte " + at);
    }
}
