package dev.oversight.policy;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.VerdictStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/** policy-stream's meters: names in one place, tags bounded (status, reason, environment, service, team). */
public final class PolicyMeters {

    /** Counter: successful deploys seen, tagged environment, service, team, protected. */
    public static final String DEPLOYS = "oversight.deploys";
    /** Counter: verdicts emitted, tagged status, environment, service, team. */
    public static final String VERDICTS = "oversight.verdicts";
    /** Counter: reasons in final verdicts (VIOLATION, EXCEPTION), tagged reason, environment, service, team. */
    public static final String REASONS = "oversight.verdict.reasons";
    /** Timer: from a deploy's arrival to its final verdict, tagged status and environment. */
    public static final String LATENCY = "oversight.verdict.latency";
    /** Counter: evidence records processed, tagged kind. */
    public static final String EVIDENCE = "oversight.policy.evidence";
    /**
     * Counter: reviews after the fact of break-glass deploys, tagged outcome (in_time: before the deadline;
     * expired: the deadline passed without one; late: came after the deadline), environment, service, team.
     */
    public static final String BREAK_GLASS_REVIEWS = "oversight.breakglass.reviews";
    /** Counter: records sent to the dead-letter topic, tagged stage. */
    public static final String DEAD_LETTERS = "oversight.dlq.records";

    private final MeterRegistry registry;
    private final java.util.Map<String, Counter> evidenceCounters = new java.util.concurrent.ConcurrentHashMap<>();

    public PolicyMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void deploy(String environment, String service, String team, boolean isProtected) {
        Counter.builder(DEPLOYS).description("Successful deploys seen, protected environments or not")
                .baseUnit("deploys")
                .tag("environment", environment).tag("service", service).tag("team", team)
                .tag("protected", Boolean.toString(isProtected))
                .register(registry).increment();
    }

    public void verdict(VerdictStatus status, String environment, String service, String team) {
        Counter.builder(VERDICTS).description("Verdicts emitted, by status")
                .baseUnit("verdicts")
                .tag("status", status.name().toLowerCase(Locale.ROOT))
                .tag("environment", environment).tag("service", service).tag("team", team)
                .register(registry).increment();
    }

    public void reason(ReasonCode reason, String environment, String service, String team) {
        Counter.builder(REASONS).description("Reasons of violations and exceptions, by reason code")
                .baseUnit("reasons")
                .tag("reason", reason.name()).tag("environment", environment).tag("service", service).tag("team", team)
                .register(registry).increment();
    }

    public void latency(VerdictStatus status, String environment, Duration elapsed) {
        Timer.builder(LATENCY).description("Time from a deploy's arrival to its final verdict")
                .tag("status", status.name().toLowerCase(Locale.ROOT)).tag("environment", environment)
                .publishPercentileHistogram()
                .register(registry).record(elapsed);
    }

    public void breakGlassReview(String outcome, String environment, String service, String team) {
        Counter.builder(BREAK_GLASS_REVIEWS).description("Reviews after the fact of emergency (break-glass) deploys")
                .baseUnit("reviews")
                .tag("outcome", outcome).tag("environment", environment).tag("service", service).tag("team", team)
                .register(registry).increment();
    }

    public void evidence(String kind) {
        evidenceCounters.computeIfAbsent(kind, k -> Counter.builder(EVIDENCE).description("Evidence records processed")
                .baseUnit("records").tag("kind", k).register(registry)).increment();
    }

    public void deadLetter(String stage) {
        Counter.builder(DEAD_LETTERS).description("Records that could not be processed, sent to the dead-letter topic")
                .baseUnit("records").tag("stage", stage).register(registry).increment();
    }
}
