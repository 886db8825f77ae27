package dev.oversight.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.testing.kafka.RealKafka;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A report behind OVERSIGHT_REPORT_TOKEN: the bearer token or the login form's cookie opens it, nothing else. */
@ExtendWith(RealKafka.class)
class ReportAccessIT {

    private static final String TOKEN = "tok-" + "7f3a9c1e5b";

    @TempDir
    Path dir;

    @Test
    void theTokenOpensThePagesAsBearerOrThroughTheLoginForm() throws Exception {
        try (ReportFixture report = ReportFixture.start(dir, 5, Optional.of(TOKEN))) {
            HttpResponse<String> anonymous = report.get("/deploys?team=payments");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("<form method=\"post\" action=\"/login\">",
                    "value=\"/deploys?team=payments\"").doesNotContain(TOKEN);
            assertThat(report.get("/deploys?format=csv").statusCode()).isEqualTo(401);

            HttpResponse<String> bearer = report.get("/deploys?team=payments", "Authorization", "Bearer " + TOKEN);
            assertThat(bearer.statusCode()).isEqualTo(200);
            assertThat(bearer.body()).contains("Log out").doesNotContain(TOKEN);

            assertThat(login(report, "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> in = login(report, TOKEN);
            assertThat(in.statusCode()).isEqualTo(303);
            assertThat(in.headers().firstValue("Location")).hasValue("/deploys?team=payments");
            String setCookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie.toLowerCase(java.util.Locale.ROOT)).contains("httponly", "samesite=strict").doesNotContain(TOKEN);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            HttpResponse<String> withCookie = report.get("/overview", "Cookie", cookie);
            assertThat(withCookie.statusCode()).isEqualTo(200);
            assertThat(withCookie.body()).contains("Compliance overview");
        }
    }

    private static HttpResponse<String> login(ReportFixture report, String token) throws Exception {
        String form = "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8)
                + "&next=" + java.net.URLEncoder.encode("/deploys?team=payments", java.nio.charset.StandardCharsets.UTF_8);
        return report.http.send(HttpRequest.newBuilder(URI.create(report.base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
