package dev.oversight.policy.topology;

import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.LastGood;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.ledger.Ledger;
import dev.oversight.policy.PolicyMeters;
import dev.oversight.policy.rules.Assessment;
import dev.oversight.policy.rules.DeployFacts;
import dev.oversight.policy.rules.EffectivePolicy;
import dev.oversight.policy.rules.OversightRules;
import dev.oversight.policy.rules.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where all evidence of a repository meets. Made of named parts (DESIGN-NOTES.md):
 * <ul>
 *   <li>{@link EvidenceWriter} stores what each piece of evidence says;</li>
 *   <li>{@link ChangeSetWalk} assembles a deploy's {@link DeployFacts} from everything stored, over a read-only
 *       {@link EvidenceView};</li>
 *   <li>{@link OversightRules} (policy-model, pure) concludes; {@link VerdictRecords} makes the verdict and
 *       last-good records;</li>
 *   <li>{@link DeployTimers} brings deploys back at the end of their grace or break-glass deadline, and sweeps.</li>
 * </ul>
 * This class only routes: evidence to the writer, then every open deploy of the repository to an evaluation.
 */
final class EvidenceProcessor implements Processor<String, Evidence, String, Object> {

    static final String VERDICTS_SINK = "verdicts-sink";
    static final String LAST_GOOD_SINK = "last-good-sink";

    private final Policy policy;
    private final Duration retention;
    private final Duration punctuateEvery;
    private final PolicyMeters meters;
    private final String verdictsTopic;

    private ProcessorContext<String, Object> context;
    private StoreView stores;
    private EvidenceWriter writer;
    private ChangeSetWalk walk;
    private DeployTimers timers;
    private KeyValueStore<String, DeployState> deploys;
    private KeyValueStore<String, String> open;
    private KeyValueStore<String, LastGood> lastGood;
    private Map<String, Integer> openByRepository;
    private KeyValueStore<String, Ledger.Head> heads;
    private String chain;

    EvidenceProcessor(Policy policy, Duration retention, Duration punctuateEvery, PolicyMeters meters,
                      String verdictsTopic) {
        this.verdictsTopic = verdictsTopic;
        this.policy = policy;
        this.retention = retention;
        this.punctuateEvery = punctuateEvery;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        stores = new StoreView(context);
        writer = new EvidenceWriter(stores, this::now);
        walk = new ChangeSetWalk(stores, policy);
        deploys = Stores.get(context, Stores.DEPLOYS);
        open = Stores.get(context, Stores.OPEN);
        lastGood = Stores.get(context, Stores.LAST_GOOD);
        heads = Stores.get(context, Stores.LEDGER);
        // This task's verdicts go to the verdicts partition of its number (OversightTopology.chainPartition): one
        // chain, one writer, its head in this task's state.
        chain = Ledger.chainId(verdictsTopic, context.taskId().partition());
        StateSweeper sweeper = new StateSweeper(retention)
                .openDeploys(this::oldestOpenByRepository)
                .add(stores.changes, (id, c) -> c.repository,
                        (c, cutoff) -> StateSweeper.changeExpired(c, cutoff, retention), (k, v) -> { })
                .add(stores.commits, (c, cutoff) -> StateSweeper.stored(c.storedAt(), c.at(), cutoff))
                .add(stores.pushes, (p, cutoff) -> StateSweeper.stored(p.storedAt, p.at, cutoff))
                .add(stores.checks, (c, cutoff) -> StateSweeper.stored(c.storedAt, c.lastSeen, cutoff))
                .add(stores.artifacts, (a, cutoff) -> StateSweeper.stored(a.storedAt(), a.at(), cutoff))
                .add(stores.deployed, (d, cutoff) -> StateSweeper.stored(d.storedAt(), d.at(), cutoff))
                .add(deploys, (id, d) -> null, StateSweeper::deployExpired, (id, d) -> closeOpen(d));
        timers = new DeployTimers(Stores.get(context, Stores.DUE), sweeper);
        // Which repositories have open deploys, rebuilt from the store: most evidence is of repositories that
        // have none, and then there is nothing to look up.
        openByRepository = StateSweeper.countByRepository(open);
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    @Override
    public void process(Record<String, Evidence> record) {
        Evidence evidence = record.value();
        if (evidence == null) {
            return;
        }
        Instant now = now();
        String repository = evidence.repository() != null ? evidence.repository() : record.key();
        meters.evidence(evidence.kind());
        evidence.accept(new Evidence.Visitor<Void>() {
            public Void change(ChangeEvent e) { writer.change(repository, e); return null; }

            public Void review(ReviewEvent e) { writer.review(e); return null; }

            public Void push(PushEvent e) { writer.push(repository, e); return null; }

            public Void ci(CiResult e) { writer.ci(repository, e); return null; }

            public Void artifact(ArtifactEvent e) { writer.artifact(repository, e); return null; }

            public Void deploy(DeployEvent e) { onDeploy(repository, e, now); return null; }
        });
        // A deploy changes the history the others are judged from (their previous deploy): they are looked at again.
        reevaluateOpen(repository, evidence instanceof DeployEvent d ? d.deployId() : null, now);
    }

    private void onDeploy(String repository, DeployEvent e, Instant now) {
        DeployState deploy = EvidenceWriter.merge(deploys.get(e.deployId()), repository, e);
        boolean firstSuccess = e.state() == DeployEvent.DeployState.SUCCEEDED && !deploy.succeeded
                && deploy.environment != null;
        if (!firstSuccess) {
            deploys.put(deploy.deployId, deploy);
            if (deploy.status != null) {
                evaluate(deploy, now);
            }
            return;
        }
        deploy.succeeded = true;
        deploy.deployedAt = e.occurredAt();
        deploy.receivedAt = now;
        deploy.service = policy.serviceOf(repository, deploy.service, deploy.environment, deploy.ref);
        deploy.sha = walk.deployedSha(deploy);
        writer.recordDeployed(deploy);
        Policy.EnvironmentPolicy environment = policy.environment(deploy.environment).orElse(null);
        boolean isProtected = environment != null && environment.isProtected();
        meters.deploy(deploy.environment, deploy.service, team(deploy.service), isProtected);
        if (!isProtected) {
            // Recorded (the previous deploy of the next one), never flagged.
            deploys.put(deploy.deployId, deploy);
            return;
        }
        deploy.graceEndsAt = now.plus(environment.grace());
        deploys.put(deploy.deployId, deploy);
        openDeploy(deploy);
        evaluate(deploy, now);
    }

    // ---- evaluation ---------------------------------------------------------------------------------------

    /** Evaluates the repository's open deploys again, but the one just evaluated (null: none). */
    private void reevaluateOpen(String repository, String evaluated, Instant now) {
        if (openByRepository.getOrDefault(repository, 0) == 0) {
            return;
        }
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, String> it = open.prefixScan(StoreKeys.prefix(repository), new StringSerializer())) {
            it.forEachRemaining(kv -> ids.add(kv.value));
        }
        for (String id : ids) {
            DeployState deploy = id.equals(evaluated) ? null : deploys.get(id);
            if (deploy != null) {
                evaluate(deploy, now);
            }
        }
    }

    /**
     * Assembles the deploy's facts from everything stored, once, and asks the rules. A status that just became
     * final may already be moved on by what is known: an approval given after the merge remediates a violation at
     * once; a break-glass deadline decided late has already passed. Each step is its own verdict, so the record
     * shows both.
     */
    private void evaluate(DeployState deploy, Instant now) {
        if (deploy.graceEndsAt == null) {
            return;
        }
        if (deploy.sha == null) {
            deploy.sha = walk.deployedSha(deploy); // its artifact may have been read since
            if (deploy.sha != null) {
                writer.recordDeployed(deploy);
            }
        }
        ChangeSetWalk.Assembled assembled;
        stores.horizon = deploy.receivedAt == null ? null : deploy.receivedAt.minus(retention);
        try {
            assembled = walk.assemble(deploy, now);
        } finally {
            stores.horizon = null;
        }
        deploy.previousSha = assembled.facts().previousSha();
        EffectivePolicy effective = policy.resolve(deploy.repository, deploy.service, deploy.environment);
        DeployFacts facts = assembled.facts();
        for (int step = 0; step < 3; step++) {
            VerdictStatus before = deploy.status;
            Assessment assessment = OversightRules.evaluate(facts, effective);
            String summary = VerdictRecords.summary(assessment, facts);
            // A COMPLIANT given within the grace is said again, corrected, when evidence read since changes what it
            // rests on (another change in it, another previous deploy) without changing its status.
            boolean corrected = before == VerdictStatus.COMPLIANT && assessment.status() == before
                    && deploy.summary != null && !deploy.summary.equals(summary);
            if (assessment.status() == before && !corrected) {
                break;
            }
            deploy.summary = summary;
            deploy.status = assessment.status();
            deploy.revision++;
            deploy.decidedAt = now;
            if (assessment.status() == VerdictStatus.EXCEPTION) {
                deploy.exceptionDeadline = assessment.deadline();
            }
            emit(deploy, before, assessment, effective, assembled.evidence(), !corrected, now);
            breakGlassOutcome(deploy, before, assessment.status());
            if ((before == null || before == VerdictStatus.PENDING) && assessment.status().isFinal()) {
                meters.latency(assessment.status(), deploy.environment, Duration.between(deploy.receivedAt, now));
            }
            if (assessment.status() != VerdictStatus.VIOLATION && assessment.status() != VerdictStatus.EXCEPTION) {
                break;
            }
            facts = facts.withStatus(deploy.status, deploy.exceptionDeadline);
        }
        switch (deploy.status) {
            case PENDING -> timers.at(deploy.graceEndsAt, deploy.deployId);
            case EXCEPTION -> timers.at(deploy.exceptionDeadline, deploy.deployId);
            // COMPLIANT within the grace is provisional: evidence read before it ends may still show a reason.
            case COMPLIANT -> {
                if (now.isBefore(deploy.graceEndsAt)) {
                    timers.at(deploy.graceEndsAt, deploy.deployId);
                } else {
                    closeOpen(deploy);
                }
            }
            case REMEDIATED, BASELINE -> closeOpen(deploy);
            // A VIOLATION stays open to remediation until the sweep drops the deploy, after the retention.
            default -> { }
        }
        deploys.put(deploy.deployId, deploy);
    }

    /** Counts how a break-glass deploy's review after the fact turned out. */
    private void breakGlassOutcome(DeployState deploy, VerdictStatus before, VerdictStatus after) {
        String outcome = null;
        if (before == VerdictStatus.EXCEPTION) {
            outcome = after == VerdictStatus.REMEDIATED ? PolicyMeters.IN_TIME : PolicyMeters.EXPIRED;
        } else if (before == VerdictStatus.VIOLATION && after == VerdictStatus.REMEDIATED && deploy.exceptionDeadline != null) {
            outcome = PolicyMeters.LATE;
        }
        if (outcome != null) {
            meters.breakGlassReview(outcome, deploy.environment, deploy.service, team(deploy.service));
        }
    }

    /** @param counted whether the verdict counts in the meters (a corrected one repeats a status already counted) */
    private void emit(DeployState deploy, VerdictStatus before, Assessment assessment, EffectivePolicy effective,
                      List<String> evidence, boolean counted, Instant now) {
        String team = policy.team(deploy.service).orElse(null);
        Verdict verdict = chained(VerdictRecords.verdict(deploy, assessment, effective,
                policy.decision(deploy.environment), team, evidence, now));
        context.forward(VerdictRecords.record(deploy.repository, verdict, now), VERDICTS_SINK);
        String teamTag = team == null ? "none" : team;
        if (counted) {
            meters.verdict(verdict.status(), deploy.environment, deploy.service, teamTag);
        }
        if (counted && (verdict.status() == VerdictStatus.VIOLATION || verdict.status() == VerdictStatus.EXCEPTION)) {
            verdict.reasons().stream().map(Verdict.Reason::code).distinct()
                    .forEach(code -> meters.reason(code, deploy.environment, deploy.service, teamTag));
        }
        if (VerdictRecords.isGood(verdict, deploy)) {
            String key = LastGood.key(deploy.service, deploy.environment);
            LastGood current = lastGood.get(key);
            // The newest compliant deploy is the rollback target, whatever order verdicts are decided in.
            boolean already = current != null && current.deployId().equals(deploy.deployId)
                    && current.sha().equals(deploy.sha);
            if (!already && (current == null || !deploy.deployedAt.isBefore(current.deployedAt()))) {
                putLastGood(key, VerdictRecords.lastGood(deploy), verdict.verdictId(), now);
            }
        } else if (before == VerdictStatus.COMPLIANT && verdict.status() != VerdictStatus.COMPLIANT) {
            withdrawLastGood(deploy, verdict.verdictId(), now);
        }
    }

    /** The verdict linked to the head of this task's chain, which it becomes (in the same transaction). */
    private Verdict chained(Verdict verdict) {
        Ledger.Head head = heads.get(chain);
        Verdict linked = Ledger.link(verdict::withLedger, chain, head == null ? Ledger.Head.EMPTY : head);
        heads.put(chain, Ledger.headOf(linked.ledger()));
        return linked;
    }

    /**
     * A compliant verdict taken back within the grace: if the deploy was the rollback target, the newest other
     * compliant deploy of the service there becomes it again (or none is, a tombstone).
     */
    private void withdrawLastGood(DeployState deploy, String verdictId, Instant now) {
        String key = LastGood.key(deploy.service, deploy.environment);
        LastGood current = lastGood.get(key);
        if (current == null || !current.deployId().equals(deploy.deployId)) {
            return;
        }
        DeployHistory history = stores.history(deploy.repository, deploy.service, deploy.environment);
        List<DeployHistory.Entry> newestFirst = history == null ? List.of() : history.entries.stream()
                .filter(e -> !e.deployId().equals(deploy.deployId))
                .sorted(Comparator.comparing(DeployHistory.Entry::at).reversed()).toList();
        for (DeployHistory.Entry entry : newestFirst) {
            DeployState other = deploys.get(entry.deployId());
            if (other != null && other.status == VerdictStatus.COMPLIANT && other.succeeded && !other.failed
                    && other.sha != null) {
                putLastGood(key, VerdictRecords.lastGood(other), verdictId, now);
                return;
            }
        }
        lastGood.delete(key);
        context.forward(VerdictRecords.record(key, null, verdictId, now), LAST_GOOD_SINK);
    }

    private void putLastGood(String key, LastGood good, String verdictId, Instant now) {
        lastGood.put(key, good);
        context.forward(VerdictRecords.record(key, good, verdictId, now), LAST_GOOD_SINK);
    }

    private String team(String service) {
        return policy.team(service).orElse("none");
    }

    // ---- time ---------------------------------------------------------------------------------------------

    private void onWallClock(long timestamp) {
        Instant now = Instant.ofEpochMilli(timestamp);
        for (String id : timers.takeDue(now)) {
            DeployState deploy = deploys.get(id);
            if (deploy != null && (deploy.status == VerdictStatus.PENDING || deploy.status == VerdictStatus.EXCEPTION
                    || deploy.status == VerdictStatus.COMPLIANT)) {
                evaluate(deploy, now);
            }
        }
        timers.sweepIfDue(now);
    }

    /** Each repository with open deploys, and when the oldest of them arrived (what its evidence is kept for). */
    private Map<String, Instant> oldestOpenByRepository() {
        Map<String, Instant> oldest = new java.util.HashMap<>();
        try (KeyValueIterator<String, String> it = open.all()) {
            it.forEachRemaining(kv -> {
                DeployState deploy = deploys.get(kv.value);
                if (deploy != null && deploy.receivedAt != null) {
                    oldest.merge(deploy.repository, deploy.receivedAt, (a, b) -> a.isBefore(b) ? a : b);
                }
            });
        }
        return oldest;
    }

    private void openDeploy(DeployState deploy) {
        String key = StoreKeys.of(deploy.repository, deploy.deployId);
        if (open.get(key) == null) {
            open.put(key, deploy.deployId);
            openByRepository.merge(deploy.repository, 1, Integer::sum);
        }
    }

    private void closeOpen(DeployState deploy) {
        String key = StoreKeys.of(deploy.repository, deploy.deployId);
        if (open.get(key) != null) {
            open.delete(key);
            openByRepository.computeIfPresent(deploy.repository, (r, n) -> n > 1 ? n - 1 : null);
        }
    }
}
