package dev.oversight.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import dev.oversight.events.LedgerLink;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Oversight's records written directly in their RFC 8785 canonical form, the link's hash left out: the topics' JSON
 * mapping (ISO-8601 instants, nulls written) with members sorted by name (UTF-16 order, as {@link String#compareTo}),
 * map entries too, control characters escaped as JSON.stringify does (lower-case hex, short forms for the usual
 * ones), nothing else escaped, numbers as ECMAScript writes them, and {@code ledger.hash} omitted while null.
 * {@link CanonicalJson} is the general form and the reference ({@code CanonicalWriterTest} holds them to the same
 * bytes).
 */
final class CanonicalWriter {

    /** The link without its hash while the hash is not set. */
    private abstract static class LinkWithoutHash {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract String hash();
    }

    /** JSON.stringify's escapes: \b \f \n \r \t, other controls as lower-case hex, quote and backslash. */
    private static final class StringifyEscapes extends CharacterEscapes {
        private final int[] table = standardAsciiEscapesForJSON();

        StringifyEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t') {
                    table[c] = CharacterEscapes.ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return table;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch >= 0x20) {
                return null; // asked of every non-ASCII character: written as it is
            }
            if (ch == '\b') {
                return new SerializedString("\\b");
            }
            if (ch == '\f') {
                return new SerializedString("\\f");
            }
            String hex = Integer.toHexString(ch);
            return new SerializedString("\\" + "u" + "0".repeat(4 - hex.length()) + hex);
        }
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactory()
                    .setCharacterEscapes(new StringifyEscapes()))
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8) // 😀 as its 4 UTF-8 bytes, not escaped
            .addModule(new JavaTimeModule())
            .addModule(new BlackbirdModule())
            .addModule(numbers())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .addMixIn(LedgerLink.class, LinkWithoutHash.class)
            .build();

    private CanonicalWriter() {}

    /** Numbers as ECMAScript writes the doubles they denote (integers beyond 2^53 too), as {@link CanonicalJson}. */
    private static SimpleModule numbers() {
        JsonSerializer<Number> asDouble = new JsonSerializer<>() {
            @Override
            public void serialize(Number value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeNumber(CanonicalJson.number(value.doubleValue()));
            }
        };
        JsonSerializer<Number> wholeOrDouble = new JsonSerializer<>() {
            @Override
            public void serialize(Number value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                long v = value.longValue();
                if (Math.abs(v) <= (1L << 53)) {
                    gen.writeNumber(v);
                } else {
                    gen.writeNumber(CanonicalJson.number(value.doubleValue()));
                }
            }
        };
        SimpleModule module = new SimpleModule("oversight-canonical-numbers");
        for (Class<? extends Number> type : java.util.List.of(Double.class, Double.TYPE, Float.class, Float.TYPE,
                java.math.BigDecimal.class, java.math.BigInteger.class)) {
            addSerializer(module, type, asDouble);
        }
        for (Class<? extends Number> type : java.util.List.of(Long.class, Long.TYPE)) {
            addSerializer(module, type, wholeOrDouble);
        }
        return module;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void addSerializer(SimpleModule module, Class type, JsonSerializer serializer) {
        module.addSerializer(type, serializer);
    }

    /** The canonical form of a record whose link's hash is null. */
    static byte[] bytes(Object record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
