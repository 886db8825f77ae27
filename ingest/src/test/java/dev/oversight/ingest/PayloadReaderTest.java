package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a webhook body must be before anything is read from it: strict UTF-8 JSON text, no key twice.
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
            byte[] bytes = new byte[1 + random.nextInt(6)];
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
}
