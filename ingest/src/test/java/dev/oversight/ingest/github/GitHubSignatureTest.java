package dev.oversight.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitHubSignatureTest {

    /** GitHub's own test vector, from its documentation on validating webhook deliveries. */
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void signsLikeGitHub() {
        assertThat(GitHubSignature.sign(SECRET, BODY)).isEqualTo(SIGNATURE);
    }

    @Test
    void verifiesGitHubsTestVector() {
        assertThat(GitHubSignature.verify(BODY, SIGNATURE, List.of(SECRET))).isTrue();
    }

    @Test
    void refusesAChangedBodyAWrongSecretAndMalformedHeaders() {
        byte[] changed = "Hello, World?".getBytes(StandardCharsets.UTF_8);
        assertThat(GitHubSignature.verify(changed, SIGNATURE, List.of(SECRET))).isFalse();
        assertThat(GitHubSignature.verify(BODY, SIGNATURE, List.of("another secret"))).isFalse();
        assertThat(GitHubSignature.verify(BODY, SIGNATURE.replace("sha256=", "sha1="), List.of(SECRET))).isFalse();
        assertThat(GitHubSignature.verify(BODY, "sha256=zz", List.of(SECRET))).isFalse();
        assertThat(GitHubSignature.verify(BODY, null, List.of(SECRET))).isFalse();
        assertThat(GitHubSignature.verify(BODY, SIGNATURE, List.of())).isFalse();
    }

    @Test
    void acceptsAnyOfSeveralSecretsDuringRotation() {
        assertThat(GitHubSignature.verify(BODY, SIGNATURE, List.of("the new secret", SECRET))).isTrue();
    }

    @Test
    void readsUpperCaseHex() {
        assertThat(GitHubSignature.verify(BODY, "sha256=" + SIGNATURE.substring(7).toUpperCase(), List.of(SECRET))).isTrue();
    }
}
