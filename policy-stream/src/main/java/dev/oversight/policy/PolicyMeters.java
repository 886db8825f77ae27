package dev.oversight.policy;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.rules.Policy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    /** The {@code outcome} tag of {@link #BREAK_GLASS_REVIEWS}. */
    public static final String IN_TIME = "in_time", EXPIRED = "expired", LATE = "late";
    /** Counter: records sent to the dead-letter topic, tagged stage. */
    public static final String DEAD_LETTERS = "oversight.dlq.records";

    private final MeterRegistry registry;
    private final Map<String, Counter> evidenceCounters = new ConcurrentHashMap<>();

    public PolicyMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Registers, at zero, the counters of every service the policy names in every protected environment. Prometheus's
     * increase() cannot see the first increment of a series that appears with it: without this, a service's first
     * deploy, first violation or first compliant verdict would be missing from the dashboards' counts. Services
     * the policy does not name are counted from their second event on in increase() and rate(). The verdict latency
     * is registered for every environment the policy names, protected or not.
     */
    public void initialize(Policy policy) {
        deadLetterCounter("policy-stream-deserialize");
        deadLetterCounter("policy-stream-process");
        policy.environments().forEach((environment, settings) -> {
            for (VerdictStatus status : VerdictStatus.values()) {
                if (status.isFinal()) {
                    latencyTimer(status, environment);
                }
            }
            if (!settings.isProtected()) {
                return;
            }
            for (Policy.ServiceDef service : policy.services()) {
                String team = service.team() == null || service.team().isBlank() ? "none" : service.team();
                deployCounter(environment, service.name(), team, true);
                for (VerdictStatus status : VerdictStatus.values()) {
                    verdictCounter(status, environment, service.name(), team);
                }
                for (ReasonCode reason : ReasonCode.values()) {
                    reasonCounter(reason, environment, service.name(), team);
                }
                for (String outcome : List.of(IN_TIME, EXPIRED, LATE)) {
                    breakGlassCounter(outcome, environment, service.name(), team);
                }
            }
        });
    }

    public void deploy(String environment, String service, String team, boolean isProtected) {
        deployCounter(environment, service, team, isProtected).increment();
    }

    private Counter deployCounter(String environment, String service, String team, boolean isProtected) {
        return Counter.builder(DEPLOYS).description("Successful deploys seen, protected environments or not")
                .baseUnit("deploys")
                .tag("environment", environment).tag("service", service).tag("team", team)
                .tag("protected", Boolean.toString(isProtected))
                .register(registry);
    }

    public void verdict(VerdictStatus status, String environment, String service, String team) {
        verdictCounter(status, environment, service, team).increment();
    }

    private Counter verdictCounter(VerdictStatus status, String environment, String service, String team) {
        return Counter.builder(VERDICTS).description("Verdicts emitted, by status")
                .baseUnit("verdicts")
                .tag("status", status.name().toLowerCase(Locale.ROOT))
                .tag("environment", environment).tag("service", service).tag("team", team)
                .register(registry);
    }

    public void reason(ReasonCode reason, String environment, String service, String team) {
        reasonCounter(reason, environment, service, team).increment();
    }

    private Counter reasonCounter(ReasonCode reason, String environment, String service, String team) {
        return Counter.builder(REASONS).description("Reasons of violations and exceptions, by reason code")
                .baseUnit("reasons")
                .tag("reason", reason.name()).tag("environment", environment).tag("service", service).tag("team", team)
                .register(registry);
    }

    public void latency(VerdictStatus status, String environment, Duration elapsed) {
        latencyTimer(status, environment).record(elapsed);
    }

    private Timer latencyTimer(VerdictStatus status, String environment) {
        return Timer.builder(LATENCY).description("Time from a deploy's arrival to its final verdict")
                .tag("status", status.name().toLowerCase(Locale.ROOT)).tag("environment", environment)
                .publishPercentileHistogram()
                .register(registry);
    }

    public void breakGlassReview(String outcome, String environment, String service, String team) {
        breakGlassCounter(outcome, environment, service, team).increment();
    }

    private Counter breakGlassCounter(String outcome, String environment, String service, String team) {
        return Counter.builder(BREAK_GLASS_REVIEWS).description("Reviews after the fact of emergency (break-glass) deploys")
                .baseUnit("reviews")
                .tag("outcome", outcome).tag("environment", environment).tag("service", service).tag("team", team)
                .register(registry);
    }

    public void evidence(String kind) {
        evidenceCounters.computeIfAbsent(kind, k -> Counter.builder(EVIDENCE).description("Evidence records processed")
                .baseUnit("records").tag("kind", k).register(registry)).increment();
    }

    /** @param stage {@code policy-stream-deserialize} or {@code policy-stream-process} */
    public void deadLetter(String stage) {
        deadLetterCounter(stage).increment();
    }

    private Counter deadLetterCounter(String stage) {
        return Counter.builder(DEAD_LETTERS).description("Records that could not be processed, sent to the dead-letter topic")
                .baseUnit("records").tag("stage", stage).register(registry);
    }
}
