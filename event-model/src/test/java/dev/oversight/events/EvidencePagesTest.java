package dev.oversight.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EvidencePagesTest {

    @Test
    void aDeployIdReadsAsItselfInItsLink() {
        assertThat(EvidencePages.url(URI.create("https://oversight.example.com/"),
                "github:acme/payments/deployments/42"))
                .hasToString("https://oversight.example.com/deploys/github:acme/payments/deployments/42");
    }

    @Test
    void aPublicUrlWithAPathKeepsIt() {
        assertThat(EvidencePages.url(URI.create("https://tools.example.com/oversight"), "gitlab:g/p/deployments/7"))
                .hasToString("https://tools.example.com/oversight/deploys/gitlab:g/p/deployments/7");
    }

    @Test
    void charactersThatWouldEndThePathAreEncodedAndComeBackWhole() {
        String id = "cdevents:urn:acme/deploy #7?x=1&y=%";
        URI url = EvidencePages.url(URI.create("http://127.0.0.1:8080"), id);
        assertThat(url.getRawQuery()).isNull();
        assertThat(url.getRawFragment()).isNull();
        String path = url.getRawPath().substring(EvidencePages.PREFIX.length());
        assertThat(URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8)).isEqualTo(id);
    }
}
