package dev.oversight.report;

import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Setting;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The report service's configuration.
 *
 * @param database  the projection's DuckDB file, {@code <data dir>/report/report.duckdb}
 * @param token     the token that opens the pages; empty: only requests from loopback are answered
 * @param batchSize the most records written to the projection in one transaction
 * @param pageSize  rows on one page of a list
 * @param stateRetention policy-stream's state retention ({@code OVERSIGHT_STATE_RETENTION}), which the What if page's
 *                  replay keeps as policy-stream does
 */
public record ReportConfig(
        Path database,
        Optional<String> token,
        int batchSize,
        int pageSize,
        Duration stateRetention,
        String httpHost,
        int httpPort,
        KafkaConnection kafka) {

    public static final Setting<Optional<String>> TOKEN = Setting.secret("OVERSIGHT_REPORT_TOKEN",
            "opens the report pages (bearer token, or typed into the login form); unset: loopback requests only");
    public static final Setting<Integer> BATCH_SIZE = Setting.integer("OVERSIGHT_REPORT_BATCH", 20_000, 1, 100_000,
            "most records the report's projection reads and writes as one batch");
    public static final Setting<Integer> PAGE_SIZE = Setting.integer("OVERSIGHT_REPORT_PAGE_SIZE", 50, 1, 1000,
            "rows on one page of the report's lists");

    /** The report's own keys; it also reads {@link CommonSettings#DATA_DIR}, the HTTP ones and Kafka's. */
    public static final List<Setting<?>> KEYS = List.of(TOKEN, BATCH_SIZE, PAGE_SIZE);

    /** Reads the report's configuration alone (its own {@code main}), reporting every problem at once. */
    public static ReportConfig read(Settings settings, String bootstrapWhenUnset) {
        return ConfigReader.read(settings, config -> read(config, bootstrapWhenUnset));
    }

    /** Reads the report's configuration with a reader that may be shared; its owner reports the problems. */
    public static ReportConfig read(ConfigReader config, String bootstrapWhenUnset) {
        return new ReportConfig(
                config.get(CommonSettings.DATA_DIR).resolve("report").resolve("report.duckdb"),
                config.get(TOKEN),
                config.get(BATCH_SIZE),
                config.get(PAGE_SIZE),
                config.get(PolicyStreamConfig.RETENTION),
                config.get(CommonSettings.HTTP_HOST),
                config.get(CommonSettings.HTTP_PORT),
                KafkaConnection.read(config, bootstrapWhenUnset));
    }

    /** This configuration with another Kafka connection (the embedded broker's, once it has started). */
    public ReportConfig withKafka(KafkaConnection kafka) {
        return new ReportConfig(database, token, batchSize, pageSize, stateRetention, httpHost, httpPort, kafka);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ReportConfig[database=" + database + ", token=" + (token.isPresent() ? "(set)" : "(unset)")
                + ", batchSize=" + batchSize + ", pageSize=" + pageSize + ", http=" + httpHost + ":" + httpPort + "]";
    }
}
