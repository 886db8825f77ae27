package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a webhook body must be before anything is read from it: strict UTF-8 JSON text, no key twice, and times a
 * reader can hold.
 */
class PayloadReaderTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"title":"<bytes>"}}. */
    private static byte[] titled(int... bytes) {
        byte[] start = utf8("{\"title\":\"");
        byte[] out = new byte[start.length + bytes.length + 2];
        System.arraycopy(start, 0, out, 0, start.length);
        for (int i = 0; i < bytes.length; i++) {
            out[start.length + i] = (byte) bytes[i];
        }
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    private static JsonNode at(String json) {
        return Json.fromString(json, JsonNode.class);
    }

    @Test
    void refusesWhatIsNotStrictUtf8() {
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xC0, 0xAF))).hasMessageContaining("overlong");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xE0, 0x80, 0xAF))).hasMessageContaining("overlong");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xF0, 0x80, 0x80, 0xAF))).hasMessageContaining("overlong");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xED, 0xA0, 0x80))).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xF4, 0x90, 0x80, 0x80))).hasMessageContaining("U+10FFFF");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xF5, 0x80, 0x80, 0x80))).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xE2, 0x82))).hasMessageContaining("cut short");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0x80))).hasMessageContaining("continuation byte");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0))).hasMessageContaining("NUL");
        assertThatThrownBy(() -> PayloadReader.parse(utf8("\ufeff{}"))).hasMessageContaining("byte-order mark");
        assertThatThrownBy(() -> PayloadReader.parse("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE)))
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> PayloadReader.parse("{\"a\":1}".getBytes(StandardCharsets.UTF_16)))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> PayloadReader.parse(titled(0xC0, 0xAF)))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("body is not valid JSON: it is not UTF-8: an overlong encoding at byte 10");
    }

    @Test
    void readsEveryWellFormedSequence() {
        // U+00E9, U+2713, U+FFFD, U+FFFF, U+1F680, U+10FFFF, U+FEFF inside a string.
        byte[] body = titled(0xC3, 0xA9, 0xE2, 0x9C, 0x93, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBF, 0xF0, 0x9F, 0x9A, 0x80,
                0xF4, 0x8F, 0xBF, 0xBF, 0xEF, 0xBB, 0xBF);
        assertThat(PayloadReader.parse(body).get("title").asText())
                .isEqualTo("\u00e9\u2713\ufffd\uffff\ud83d\ude80\udbff\udfff\ufeff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"t\":\"\\ud800\"}", "{\"t\":\"\\uDFFF\"}", "{\"t\":\"\\ud83d\\u0041\"}",
        "{\"t\":\"\\ud83d\"}", "{\"t\":\"a\\ud83d\\\\ude80\"}", "{\"\\ud800\":1}", "[\"\\ude80\\ud83d\"]"})
    void refusesTheEscapeOfALoneSurrogate(String json) {
        assertThatThrownBy(() -> PayloadReader.parse(utf8(json))).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("lone surrogate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"t\":\"\\ud83d\\ude80\"}", "{\"t\":\"\\uD83D\\uDE80\"}", "{\"t\":\"\\\\ud800\"}",
        "{\"t\":\"\\\"\\\\\",\"u\":\"\\u00e9\"}", "{\"\\ud83d\\ude80\":\"\\u2713\"}"})
    void readsPairsAndEscapedBackslashes(String json) {
        assertThatCode(() -> PayloadReader.parse(utf8(json))).doesNotThrowAnyException();
    }

    /**
     * Over many random byte strings, the check agrees with the JDK's strict UTF-8 decoder (which reports overlong
     * forms, encoded surrogates, code points beyond U+10FFFF and truncated sequences), refusing NUL too.
     */
    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        int refused = 0;
        for (int i = 0; i < 200_000; i++) {
            // Short ones for the sequences' edges, longer ones (up to 24 bytes) for the eight-bytes-at-a-time path.
            byte[] bytes = new byte[1 + random.nextInt(random.nextBoolean() ? 6 : 24)];
            for (int k = 0; k < bytes.length; k++) {
                // Mostly the bytes around sequence boundaries, where the cases are.
                bytes[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256)
                        : new int[] {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                            0xE0, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF}[random.nextInt(21)]);
            }
            if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                    && (bytes[2] & 0xFF) == 0xBF) {
                continue; // a byte-order mark: refused on purpose, though it is UTF-8
            }
            boolean jdk = strictlyDecodes(bytes);
            boolean ours;
            try {
                JsonText.requireUtf8(bytes, "body");
                ours = true;
            } catch (MalformedPayloadException e) {
                ours = false;
                refused++;
            }
            assertThat(ours).as("seed %d, bytes %s", seed, java.util.HexFormat.of().formatHex(bytes)).isEqualTo(jdk);
        }
        assertThat(refused).isGreaterThan(10_000);
    }

    /**
     * Eight bytes at a time or one at a time, the check refuses the same bodies with the same message (the same
     * byte): random bodies of up to 80 bytes made of what the check looks at (quotes, backslashes, escapes of
     * surrogates, multi-byte sequences good and bad, NUL) among plain ASCII, at every alignment.
     */
    @Test
    void passingOverEightBytesAtATimeFindsWhatReadingEachByteFinds() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        String[] pieces = {"\"", "\\", "\\u", "d83d", "DE80", "0041", "ude80", "\\ud83d", "ab", "xyzw1234",
            "{\"k\":", "\u00e9", "\u2713", "\ud83d\ude80", "\u0000", " "};
        int[][] raw = {{0xC0, 0xAF}, {0xED, 0xA0, 0x80}, {0xE2, 0x82}, {0x80}, {0xF4, 0x90, 0x80, 0x80}};
        int refused = 0;
        for (int i = 0; i < 100_000; i++) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (body.size() < 1 + random.nextInt(80)) {
                if (random.nextInt(40) == 0) {
                    for (int b : raw[random.nextInt(raw.length)]) {
                        body.write(b);
                    }
                } else {
                    body.writeBytes(utf8(pieces[random.nextInt(pieces.length)]));
                }
            }
            byte[] bytes = body.toByteArray();
            for (boolean json : new boolean[] {true, false}) {
                String wordWise = outcome(bytes, json, true);
                assertThat(wordWise).as("seed %d, body %s", seed, java.util.HexFormat.of().formatHex(bytes))
                        .isEqualTo(outcome(bytes, json, false));
                if (!wordWise.equals("ok")) {
                    refused++;
                }
            }
        }
        assertThat(refused).isGreaterThan(10_000);
    }

    private static String outcome(byte[] bytes, boolean json, boolean wordAtATime) {
        try {
            JsonText.check(bytes, 0, bytes.length, json, "body", wordAtATime);
            return "ok";
        } catch (MalformedPayloadException e) {
            return e.getMessage();
        }
    }

    private static boolean strictlyDecodes(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.chars().noneMatch(c -> c == 0);
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void refusesAKeyGivenTwice() {
        assertThatThrownBy(() -> PayloadReader.parse(utf8("{\"action\":\"opened\",\"action\":\"closed\"}")))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("Duplicate field 'action'");
        assertThatThrownBy(() -> PayloadReader.parse(utf8("{\"a\":{\"login\":\"x\",\"login\":\"y\"}}")))
                .hasMessageContaining("Duplicate field 'login'");
        assertThat(PayloadReader.parse(utf8("{\"a\":{\"login\":\"x\"},\"b\":{\"login\":\"y\"}}"))).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e18", "99999999999999999999", "9223372036854775807", "-9223372036854775807", "-1",
        "253402300800", "1e400", "\"+1000000000-01-01T00:00:00Z\"", "\"+10000-01-01T00:00:00Z\"",
        "\"1969-12-31T23:59:59Z\""})
    void refusesATimeOutsideTheYears1970To9999NamingTheField(String value) {
        assertThatThrownBy(() -> PayloadReader.instant(at("{\"pr\":{\"merged_at\":" + value + "}}"), "pr.merged_at"))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("field pr.merged_at is ")
                .hasMessageContaining("outside the years 1970 to 9999");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"yesterday\"", "\"\"", "true", "{}", "[1]", "\"2026-13-45T10:15:30Z\""})
    void refusesATimeThatIsNone(String value) {
        assertThatThrownBy(() -> PayloadReader.instant(at("{\"completed_at\":" + value + "}"), "completed_at"))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("field completed_at is not a time");
    }

    @Test
    void readsTheTimesSourcesSend() {
        assertThat(PayloadReader.instant(at("{\"t\":null}"), "t")).isNull();
        assertThat(PayloadReader.instant(at("{}"), "t")).isNull();
        assertThat(PayloadReader.instant(at("{\"t\":1430869212}"), "t")).isEqualTo(Instant.ofEpochSecond(1430869212));
        assertThat(PayloadReader.instant(at("{\"t\":0}"), "t")).isEqualTo(Instant.EPOCH);
        assertThat(PayloadReader.instant(at("{\"t\":253402300799}"), "t"))
                .isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(PayloadReader.instant(at("{\"t\":\"2021-04-28 21:50:00 +0200\"}"), "t"))
                .isEqualTo(Instant.parse("2021-04-28T19:50:00Z"));
        assertThat(PayloadReader.instant(at("{\"t\":\"2016-08-12 15:23:28 UTC\"}"), "t"))
                .isEqualTo(Instant.parse("2016-08-12T15:23:28Z"));
        assertThat(PayloadReader.instant(at("{\"t\":\"2015-05-05T19:40:15-04:00\"}"), "t"))
                .isEqualTo(Instant.parse("2015-05-05T23:40:15Z"));
        assertThat(PayloadReader.firstInstant(at("{\"a\":null}"), Instant.EPOCH, "a", "b")).isEqualTo(Instant.EPOCH);
    }

    @Test
    void aLoginIsNotBlank() {
        assertThatThrownBy(() -> PayloadReader.githubUser(at("{\"user\":{\"login\":\"\"}}"), "user"))
                .hasMessage("field user.login is blank: a login names an account");
        assertThatThrownBy(() -> PayloadReader.githubUser(at("{\"user\":{\"login\":\" bob\"}}"), "user"))
                .hasMessage("field user.login begins or ends with white space: a login names an account");
        assertThat(PayloadReader.githubUser(at("{\"user\":{\"login\":\"bob\"}}"), "user").login()).isEqualTo("bob");
        assertThat(PayloadReader.githubUser(at("{\"user\":{}}"), "user")).isNull();
    }

    @Test
    void aShaIsFortyOrSixtyFourHexCharacters() {
        String sha = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
        assertThat(PayloadReader.sha(at("{\"s\":\"" + sha + "\"}"), "s")).isEqualTo(sha);
        assertThat(PayloadReader.sha(at("{\"s\":null}"), "s")).isNull();
        for (String bad : new String[] {"\"\"", "\"" + sha.substring(1) + "\"", "\"" + sha + "0\"", "{}", "40"}) {
            assertThatThrownBy(() -> PayloadReader.sha(at("{\"s\":" + bad + "}"), "s")).as(bad)
                    .hasMessageStartingWith("field s is not a commit sha (40 or 64 hexadecimal characters)");
        }
        assertThatThrownBy(() -> PayloadReader.requireSha(at("{}"), "s")).hasMessage("missing field s");
    }

    @Test
    void keepsTheFirstLineOfAMessageWithoutSplittingAPair() {
        String line = "x".repeat(199) + "\ud83d\ude80 and more";
        assertThat(PayloadReader.firstLine(line + "\nbody")).isEqualTo("x".repeat(199));
    }
    private static final PayloadFields FIELDS = PayloadFields.of("action", "pr.head.sha", "pr.labels.*.name",
            "pr.payload");

    private static String pruned(String json) {
        return PayloadReader.parse(utf8(json), "body", FIELDS).toString();
    }

    @Test
    void readingOnlySomeFieldsBuildsThoseAndPassesOverTheRest() {
        assertThat(pruned("{\"action\":\"opened\",\"other\":{\"a\":[1,{\"b\":2}]},\"pr\":{\"head\":{\"sha\":\"x\","
                + "\"ref\":\"r\"},\"labels\":[{\"name\":\"l\",\"color\":\"c\"},7,[1]],\"payload\":{\"deep\":{\"k\":1}},"
                + "\"title\":\"t\"}}"))
                .isEqualTo("{\"action\":\"opened\",\"pr\":{\"head\":{\"sha\":\"x\"},\"labels\":[{\"name\":\"l\"},7,[1]],"
                        + "\"payload\":{\"deep\":{\"k\":1}}}}");
        // Where the body holds something else than the object (or array) on the way to a field, it is kept whole.
        assertThat(pruned("{\"pr\":{\"head\":[{\"sha\":1,\"x\":2}],\"labels\":{\"name\":\"n\",\"y\":1}},\"action\":null}"))
                .isEqualTo("{\"pr\":{\"head\":[{\"sha\":1,\"x\":2}],\"labels\":{\"name\":\"n\",\"y\":1}},\"action\":null}");
        assertThat(PayloadReader.parse(utf8("{\"a\":1}"), "body", PayloadFields.NONE).toString()).isEqualTo("{}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"other\":{\"a\":1,\"a\":2}}", "{\"action\":1,\"action\":2}",
        "{\"other\":[{\"b\":{}},{\"c\":1,\"d\":{},\"c\":[]}]}", "{\"pr\":{\"payload\":{\"k\":1,\"k\":1}}}",
        "{\"pr\":{\"labels\":[{\"name\":\"a\",\"name\":\"b\"}]}}", "{\"a\":{\"x\":1},\"b\":{\"x\":1},\"a\":0}",
        "{\"a\":", "{\"a\":[1,2}", "{\"a\":tru}", "{\"a\":1}}", "{\"a\":1} x", "{\"a\":01}", "[1,2]", "\"text\"",
        "  ", "null", "{\"pr\":{\"head\":{\"sha\":\"\\ud800\"}}}", "{\"x\":\"\\u12\"}"})
    void readingOnlySomeFieldsRefusesWhatReadingTheWholeTreeRefuses(String json) {
        String whole;
        try {
            PayloadReader.parse(utf8(json));
            whole = "read";
        } catch (MalformedPayloadException e) {
            whole = "refused " + e.getMessage();
        }
        String some;
        try {
            PayloadReader.parse(utf8(json), "body", FIELDS);
            some = "read";
        } catch (MalformedPayloadException e) {
            some = "refused " + e.getMessage();
        }
        assertThat(some).isEqualTo(whole);
    }

    @Test
    void aKeyGivenTwiceIsFoundAmongManyObjectsAndKeys() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 2000; i++) {
            json.append("\"o").append(i).append("\":{\"k").append(i % 7).append("\":1,\"same\":").append(i).append("},");
        }
        String valid = json.substring(0, json.length() - 1) + "}";
        assertThat(PayloadReader.parse(utf8(valid), "body", PayloadFields.NONE).size()).isZero();
        String twice = json + "\"o1999\":{}}";
        assertThatThrownBy(() -> PayloadReader.parse(utf8(twice), "body", PayloadFields.NONE))
                .hasMessageContaining("Duplicate field 'o1999': a key given twice in one object");
    }
}
