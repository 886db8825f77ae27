package dev.oversight.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokensTest {

    @Test
    void matchesAnyConfiguredTokenExactly() {
        List<String> tokens = List.of("old-token", "new-token");
        assertThat(Tokens.matches("new-token", tokens)).isTrue();
        assertThat(Tokens.matches("old-token", tokens)).isTrue();
        assertThat(Tokens.matches("new-token ", tokens)).isFalse();
        assertThat(Tokens.matches("new-toke", tokens)).isFalse();
        assertThat(Tokens.matches("NEW-TOKEN", tokens)).isFalse();
        assertThat(Tokens.matches("", tokens)).isFalse();
        assertThat(Tokens.matches(null, tokens)).isFalse();
        assertThat(Tokens.matches("new-token", List.of())).isFalse();
    }
}
