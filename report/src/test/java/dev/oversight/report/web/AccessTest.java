package dev.oversight.report.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.Cookie;
import io.vertx.core.net.SocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessTest {

    private static final SocketAddress LOOPBACK = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
    private static final SocketAddress LOOPBACK6 = SocketAddress.inetSocketAddress(40000, "::1");
    private static final SocketAddress REMOTE = SocketAddress.inetSocketAddress(40000, "10.1.2.3");

    @Test
    void withoutATokenOnlyLoopbackIsLetIn() {
        Access access = new Access(Optional.empty());
        assertThat(access.decide(LOOPBACK, null, null)).isEqualTo(Access.Decision.LET_IN);
        assertThat(access.decide(LOOPBACK6, null, null)).isEqualTo(Access.Decision.LET_IN);
        assertThat(access.decide(REMOTE, null, null)).isEqualTo(Access.Decision.FORBIDDEN);
        assertThat(access.decide(REMOTE, "Bearer anything", null)).isEqualTo(Access.Decision.FORBIDDEN);
        assertThat(access.accepts("anything")).isFalse();
    }

    @Test
    void withATokenItsBearerOrItsSessionCookieLetsIn() {
        Access access = new Access(Optional.of("s3cret-token"));
        assertThat(access.decide(REMOTE, "Bearer s3cret-token", null)).isEqualTo(Access.Decision.LET_IN);
        assertThat(access.decide(REMOTE, "bearer s3cret-token", null)).isEqualTo(Access.Decision.LET_IN);
        assertThat(access.decide(REMOTE, "Bearer wrong", null)).isEqualTo(Access.Decision.LOG_IN);
        assertThat(access.decide(LOOPBACK, null, null)).as("loopback too must log in").isEqualTo(Access.Decision.LOG_IN);
        Cookie cookie = access.sessionCookie(false);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getValue()).doesNotContain("s3cret-token");
        assertThat(access.decide(REMOTE, null, cookie.getValue())).isEqualTo(Access.Decision.LET_IN);
        assertThat(access.decide(REMOTE, null, "forged")).isEqualTo(Access.Decision.LOG_IN);
        assertThat(new Access(Optional.of("another")).decide(REMOTE, null, cookie.getValue()))
                .as("a new token ends the old sessions").isEqualTo(Access.Decision.LOG_IN);
    }

    @Test
    void afterLoggingInOnlyAPathOfThisServerIsFollowed() {
        assertThat(ReportRoutes.safeNext("/deploys?team=a")).isEqualTo("/deploys?team=a");
        assertThat(ReportRoutes.safeNext("https://evil.example/")).isEqualTo("/overview");
        assertThat(ReportRoutes.safeNext("//evil.example/")).isEqualTo("/overview");
        assertThat(ReportRoutes.safeNext("/\\evil.example/")).isEqualTo("/overview");
        assertThat(ReportRoutes.safeNext(null)).isEqualTo("/overview");
    }
}
