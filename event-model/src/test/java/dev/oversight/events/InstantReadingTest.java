package dev.oversight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.events.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every form of instant the sources send reads to the same instant as the standard parser gives. */
class InstantReadingTest {

    record At(Instant at) {}

    private static Instant read(String json) {
        return Json.fromString("{\"at\":" + json + "}", At.class).at();
    }

    @Test
    void readsUtcWithAndWithoutFractions() {
        for (String text : new String[] {"2026-11-24T10:15:30Z", "2026-11-24T10:15:30.1Z", "2026-11-24T10:15:30.123Z",
                "2026-11-24T10:15:30.123456789Z", "2016-02-29T23:59:59Z", "1970-01-01T00:00:00Z"}) {
            assertThat(read("\"" + text + "\"")).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void readsOffsetsAndNumbersTheStandardWay() {
        assertThat(read("\"2015-05-05T19:40:15-04:00\"")).isEqualTo(Instant.parse("2015-05-05T23:40:15Z"));
        assertThat(read("1700000000")).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(read("1700000000.5")).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
    }

    @Test
    void refusesWhatIsNotATime() {
        assertThatThrownBy(() -> read("\"2026-13-45T10:15:30Z\"")).hasMessageContaining("not an ISO-8601 instant");
        assertThatThrownBy(() -> read("\"yesterday\"")).hasMessageContaining("not an ISO-8601 instant");
    }

    @Test
    void compactStateKeepsInstantsExact() throws Exception {
        At at = new At(Instant.parse("2026-11-24T10:15:30.123456789Z"));
        byte[] bytes = Json.compactMapper().writeValueAsBytes(at);
        assertThat(Json.compactMapper().readValue(bytes, At.class)).isEqualTo(at);
    }
}
