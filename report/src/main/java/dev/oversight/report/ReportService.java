package dev.oversight.report;

import dev.oversight.events.kafka.Topics;
import dev.oversight.report.audit.AuditDownload;
import dev.oversight.report.audit.LedgerEvidence;
import dev.oversight.report.projection.Projection;
import dev.oversight.report.projection.ProjectionMeters;
import dev.oversight.report.projection.ReportDatabase;
import dev.oversight.runtime.ManagedService;
import dev.oversight.report.web.Access;
import dev.oversight.report.web.Export;
import dev.oversight.report.web.ReportQueries;
import dev.oversight.report.web.ReportRoutes;
import dev.oversight.report.web.WhatIfRuns;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report as a service: the projection of verdicts and actions kept in its DuckDB database, and the pages and
 * exports read from it, mounted on the process's one router.
 */
public final class ReportService implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(ReportService.class);

    private final ReportConfig config;
    private final ProjectionMeters meters;
    private final Clock clock;
    private ReportDatabase database;
    private Projection projection;

    public ReportService(ReportConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.meters = new ProjectionMeters(registry);
    }

    @Override
    public String name() {
        return "report";
    }

    @Override
    public void start() throws Exception {
        database = ReportDatabase.open(config.database());
        projection = new Projection(database, config.kafka(), meters, config.batchSize());
        projection.start();
        LOG.info("report started: projection in {}, pages {}", config.database(),
                config.token().isPresent() ? "behind OVERSIGHT_REPORT_TOKEN" : "for loopback requests only");
    }

    @Override
    public Readiness readiness() {
        if (projection == null) {
            return Readiness.notReady("not started");
        }
        return new Readiness(projection.caughtUp(), "projection " + projection.state());
    }

    @Override
    public void mount(Router router) {
        new ReportRoutes(new ReportQueries(database), new Export(database), new Access(config.token()),
                config.pageSize(), clock, new AuditDownload(database, auditSource(),
                () -> LedgerEvidence.read(config.kafka(), clock), LedgerEvidence.bundle(config.kafka(), clock), clock),
                new WhatIfRuns(config.kafka(), config.stateRetention(), clock)).mount(router);
    }

    /** What an audit package's manifest says of where its rows came from: this service's projection of the topics. */
    private Map<String, Object> auditSource() {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", "service");
        source.put("service", "oversight report");
        source.put("bootstrapServers", config.kafka().bootstrapServers());
        source.put("topics", List.of(config.kafka().topic(Topics.VERDICTS).name(),
                config.kafka().topic(Topics.ACTIONS).name()));
        source.put("isolation", "read_committed");
        return source;
    }

    public ReportConfig config() {
        return config;
    }

    /** The projection's database; null before {@link #start()}. */
    public ReportDatabase database() {
        return database;
    }

    @Override
    public void close() {
        if (projection != null) {
            projection.close();
        }
        if (database != null) {
            database.close();
        }
    }
}
