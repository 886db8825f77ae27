package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What is checked before anything starts says what is wrong and what to do; {@link StartupChecksIT} runs it whole. */
class PreflightTest {

    @Test
    void aTakenHttpPortIsNamedWithTheOptionThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThatThrownBy(() -> Preflight.httpPortFree("127.0.0.1", taken.getLocalPort()))
                    .isInstanceOf(Preflight.Failure.class)
                    .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is in use, so webhooks cannot be "
                            + "received there; stop what uses it, or choose another port with --port N");
        }
        assertThatCode(() -> Preflight.httpPortFree("127.0.0.1", 0)).doesNotThrowAnyException();
    }

    @Test
    void anAddressThatIsNoneOfThisMachinesIsNamedWithTheSettingThatMovesIt() {
        assertThatThrownBy(() -> Preflight.httpPortFree("oversight-test.invalid", 8080))
                .hasMessage("cannot listen on oversight-test.invalid: no such host; set OVERSIGHT_HTTP_HOST to an "
                        + "address of this machine, or 0.0.0.0 for all of them");
    }

    @Test
    void whyKafkaCannotBeReachedIsWhatAConnectionToItSays() throws Exception {
        int nothingThere = TwoOversightsIT.freePort();
        assertThat(Preflight.diagnose("127.0.0.1:" + nothingThere, null)).isEqualTo("connection refused");
        assertThat(Preflight.diagnose("kafka.invalid:9092,127.0.0.1:" + nothingThere, null))
                .isEqualTo("kafka.invalid:9092: unknown host kafka.invalid, 127.0.0.1:" + nothingThere
                        + ": connection refused");
        try (ServerSocket listening = new ServerSocket()) {
            listening.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThat(Preflight.diagnose("127.0.0.1:" + listening.getLocalPort(), null))
                    .startsWith("it accepts connections but did not answer as Kafka does")
                    .contains("OVERSIGHT_KAFKA_SECURITY_PROTOCOL");
        }
    }
}
