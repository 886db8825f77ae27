package dev.oversight.report.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A deploy's address and a filter's parameters read back to what they were made from. */
class AddressTest {

    @Test
    void aDeployLinkReadsBackToItsId() {
        for (String id : new String[] {"github:acme/payments/deployments/123", "gitlab:group/sub/project/environments/9",
                "cdevents:urn:x y+z%/ü?#&"}) {
            String link = Fmt.deployLink(id);
            assertThat(link).startsWith("/deploys/").doesNotContain(" ", "?", "#");
            assertThat(ReportRoutes.deployId(link)).isEqualTo(id);
        }
        assertThat(Fmt.deployLink("github:acme/a/deployments/1")).isEqualTo("/deploys/github:acme/a/deployments/1");
        assertThat(ReportRoutes.deployId("/deploys/github%3Aacme%2Fa%2Fdeployments%2F1"))
                .isEqualTo("github:acme/a/deployments/1");
    }

    @Test
    void aFilterLinkReadsBackToTheSameFilter() {
        Map<String, String> params = Map.of("from", "2026-01-01", "to", "2026-03-31", "team", "pay & ments",
                "status", "violation", "reason", "NO_APPROVAL", "state", "open", "sod", "true", "page", "3");
        Filter filter = Filter.parse(params::get);
        assertThat(filter.from()).contains(LocalDate.parse("2026-01-01"));
        assertThat(filter.page()).isEqualTo(3);
        String link = filter.pageLink("/deploys", 3);
        Map<String, String> back = new java.util.HashMap<>();
        for (String pair : link.substring(link.indexOf('?') + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            back.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(Filter.parse(back::get)).isEqualTo(filter);
    }

    @Test
    void everyUnreadableParameterIsNamed() {
        Map<String, String> params = Map.of("from", "soon", "to", "2026-13-01", "status", "GREEN", "page", "0");
        assertThatThrownBy(() -> Filter.parse(params::get)).isInstanceOf(Filter.Invalid.class)
                .hasMessageContaining("from must be").hasMessageContaining("to must be")
                .hasMessageContaining("status must be").hasMessageContaining("page must be");
        Map<String, String> backwards = Map.of("from", "2026-02-01", "to", "2026-01-01");
        assertThatThrownBy(() -> Filter.parse(backwards::get)).hasMessageContaining("is before");
    }
}
