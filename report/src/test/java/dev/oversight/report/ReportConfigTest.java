package dev.oversight.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.runtime.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's configuration as a user sets it. */
class ReportConfigTest {

    @Test
    void theWhatIfPageKeepsStateAsLongAsPolicyStreamIsConfiguredTo() {
        ReportConfig set = ReportConfig.read(Settings.of(Map.of("OVERSIGHT_STATE_RETENTION", "720h",
                "OVERSIGHT_DATA_DIR", "/tmp/oversight-report-config-test")), "127.0.0.1:9092");
        assertThat(set.stateRetention()).isEqualTo(Duration.ofDays(30));
        ReportConfig shorter = ReportConfig.read(Settings.of(Map.of("OVERSIGHT_STATE_RETENTION", "168h",
                "OVERSIGHT_DATA_DIR", "/tmp/oversight-report-config-test")), "127.0.0.1:9092");
        assertThat(shorter.stateRetention()).isEqualTo(Duration.ofDays(7));
    }
}
