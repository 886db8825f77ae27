package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.StoreKeys.SEP;

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
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.policy.PolicyMeters;
import dev.oversight.policy.rules.Assessment;
import dev.oversight.policy.rules.DeployFacts;
import dev.oversight.policy.rules.EffectivePolicy;
import dev.oversight.policy.rules.Glob;
import dev.oversight.policy.rules.OversightRules;
import dev.oversight.policy.rules.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where all evidence of a repository meets: keeps what it says in the stores, and for every deploy to a protected
 * environment assembles {@link DeployFacts}, asks {@link OversightRules} and emits a verdict whenever the status
 * changes. Grace periods and break-glass deadlines end by wall-clock punctuation. See DESIGN-NOTES.md.
 */
final class EvidenceProcessor implements Processor<String, Evidence, String, Object> {

    static final String VERDICTS_SINK = "verdicts-sink";
    static final String LAST_GOOD_SINK = "last-good-sink";
    /** How far back the change-set walk follows pushes before it stops. */
    static final int MAX_WALK = 500;

    private final Policy policy;
    private final Duration retention;
    private final Duration punctuateEvery;
    private final PolicyMeters meters;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ChangeState> changes;
    private KeyValueStore<String, CommitLink> commits;
    private KeyValueStore<String, CheckSet> checks;
    private KeyValueStore<String, PushState> pushes;
    private KeyValueStore<String, Stores.ArtifactLink> artifacts;
    private KeyValueStore<String, DeployState> deploys;
    private KeyValueStore<String, String> open;
    private KeyValueStore<String, String> due;
    private KeyValueStore<String, DeployHistory> latest;
    private KeyValueStore<String, DeployedCommit> deployed;
    private KeyValueStore<String, LastGood> lastGood;
    private StateSweeper sweeper;
    private Map<String, Integer> openByRepository;
    private PresenceFilter knownChanges;
    private PresenceFilter knownChecks;
    private Instant nextSweep = Instant.EPOCH;

    EvidenceProcessor(Policy policy, Duration retention, Duration punctuateEvery, PolicyMeters meters) {
        this.policy = policy;
        this.retention = retention;
        this.punctuateEvery = punctuateEvery;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        changes = Stores.get(context, Stores.CHANGES);
        commits = Stores.get(context, Stores.COMMITS);
        checks = Stores.get(context, Stores.CHECKS);
        pushes = Stores.get(context, Stores.PUSHES);
        artifacts = Stores.get(context, Stores.ARTIFACTS);
        deploys = Stores.get(context, Stores.DEPLOYS);
        open = Stores.get(context, Stores.OPEN);
        due = Stores.get(context, Stores.DUE);
        latest = Stores.get(context, Stores.LATEST);
        deployed = Stores.get(context, Stores.DEPLOYED);
        lastGood = Stores.get(context, Stores.LAST_GOOD);
        sweeper = new StateSweeper(retention)
                .add(changes, (c, cutoff) -> StateSweeper.changeExpired(c, cutoff, retention))
                .add(commits, (c, cutoff) -> StateSweeper.before(c.at(), cutoff))
                .add(pushes, (p, cutoff) -> StateSweeper.before(p.at, cutoff))
                .add(checks, (c, cutoff) -> StateSweeper.before(c.lastSeen, cutoff))
                .add(artifacts, (a, cutoff) -> StateSweeper.before(a.at(), cutoff))
                .add(deployed, (d, cutoff) -> StateSweeper.before(d.at(), cutoff))
                .add(deploys, StateSweeper::deployExpired, (id, d) -> closeOpen(d));
        // Which repositories have open deploys, rebuilt from the store: most evidence is of repositories that
        // have none, and then there is nothing to look up.
        openByRepository = StateSweeper.countByRepository(open);
        knownChanges = new PresenceFilter(changes);
        knownChecks = new PresenceFilter(checks);
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
        boolean isDeploy = evidence.accept(new Evidence.Visitor<Boolean>() {
            public Boolean change(ChangeEvent e) { onChange(repository, e, now); return false; }

            public Boolean review(ReviewEvent e) { onReview(e); return false; }

            public Boolean push(PushEvent e) { onPush(repository, e, now); return false; }

            public Boolean ci(CiResult e) { onCi(repository, e, now); return false; }

            public Boolean artifact(ArtifactEvent e) { onArtifact(repository, e, now); return false; }

            public Boolean deploy(DeployEvent e) { onDeploy(repository, e, now); return true; }
        });
        if (!isDeploy) {
            reevaluateOpen(repository, now);
        }
    }

    // ---- evidence into state ------------------------------------------------------------------------------

    private void onChange(String repository, ChangeEvent e, Instant now) {
        ChangeState change = knownChanges.mayContain(e.changeId()) ? changes.get(e.changeId()) : null;
        if (change == null) {
            change = ChangeState.empty(e.changeId(), repository);
            knownChanges.add(e.changeId());
        }
        String headBefore = change.headSha;
        change.apply(e);
        changes.put(e.changeId(), change);
        if (e.merged() && e.mergeSha() != null) {
            commits.put(StoreKeys.of(repository, e.mergeSha()),
                    new CommitLink(e.changeId(), e.occurredAt(), CommitLink.Kind.MERGE));
        } else if (change.mergedAt == null && change.headSha != null && !change.headSha.equals(headBefore)) {
            // A new head of an open change: a deploy or push of this commit is of this change.
            commits.put(StoreKeys.of(repository, change.headSha),
                    new CommitLink(e.changeId(), e.occurredAt(), CommitLink.Kind.HEAD));
        }
    }

    private void onReview(ReviewEvent e) {
        ChangeState change = knownChanges.mayContain(e.changeId()) ? changes.get(e.changeId()) : null;
        if (change == null) {
            change = ChangeState.empty(e.changeId(), e.repository());
            knownChanges.add(e.changeId());
        }
        change.apply(e);
        changes.put(e.changeId(), change);
    }

    private void onPush(String repository, PushEvent e, Instant now) {
        if (e.deleted()) {
            return;
        }
        // Who pushed to a change's branch, and what files its pushes touched, is read from these when a verdict
        // needs it (see enrich): evidence is frequent, verdicts are not.
        pushes.put(StoreKeys.of(repository, e.after()), PushState.of(e));
    }

    private void onCi(String repository, CiResult e, Instant now) {
        String key = StoreKeys.of(repository, e.sha());
        CheckSet set = knownChecks.mayContain(key) ? checks.get(key) : null;
        if (set == null) {
            set = new CheckSet();
            knownChecks.add(key);
        }
        set.apply(e);
        checks.put(key, set);
    }

    private void onArtifact(String repository, ArtifactEvent e, Instant now) {
        String key = StoreKeys.of(repository, e.artifactId());
        artifacts.put(key, new Stores.ArtifactLink(e.sha(), e.changeId(), e.occurredAt()));
    }

    private void onDeploy(String repository, DeployEvent e, Instant now) {
        DeployState deploy = deploys.get(e.deployId());
        if (deploy == null) {
            deploy = new DeployState();
            deploy.deployId = e.deployId();
            deploy.repository = repository;
        }
        if (e.environment() != null) {
            deploy.environment = e.environment();
        }
        if (e.sha() != null) {
            deploy.sha = e.sha();
        }
        if (e.ref() != null) {
            deploy.ref = e.ref();
        }
        if (e.artifactId() != null) {
            deploy.artifactId = e.artifactId();
        }
        if (e.deployer() != null) {
            deploy.deployer = e.deployer();
        }
        if (e.url() != null) {
            deploy.url = e.url();
        }
        if (e.service() != null) {
            deploy.service = e.service();
        }
        if (e.rollbackOf() != null) {
            deploy.rollbackOf = e.rollbackOf();
        }
        deploy.flags.addAll(e.flags());
        deploy.remember(e.deliveryId());
        if (e.state() == DeployEvent.DeployState.FAILED || e.state() == DeployEvent.DeployState.ROLLED_BACK) {
            deploy.failed = true;
        }
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
        deploy.service = service(deploy);
        if (deploy.sha == null && deploy.artifactId != null) {
            Stores.ArtifactLink artifact = artifacts.get(StoreKeys.of(repository, deploy.artifactId));
            if (artifact != null && artifact.sha() != null) {
                deploy.sha = artifact.sha();
            }
        }
        String historyKey = StoreKeys.of(repository, deploy.service, deploy.environment);
        DeployHistory history = latest.get(historyKey);
        if (history == null) {
            history = new DeployHistory();
        }
        // The previous deploy is the one before this in deploy time, whatever order their events arrived in.
        deploy.previousSha = history.before(deploy.deployedAt, deploy.deployId).map(DeployHistory.Entry::sha)
                .orElse(null);
        history.add(new DeployHistory.Entry(deploy.deployId, deploy.sha, deploy.deployedAt));
        latest.put(historyKey, history);
        if (deploy.sha != null) {
            String deployedKey = StoreKeys.of(repository, deploy.service, deploy.environment, deploy.sha);
            if (deployed.get(deployedKey) == null) {
                deployed.put(deployedKey, new DeployedCommit(deploy.deployId, deploy.deployedAt));
            }
        }
        Policy.EnvironmentPolicy environment = environmentPolicy(deploy.environment);
        boolean isProtected = environment != null && environment.isProtected();
        meters.deploy(deploy.environment, deploy.service, team(deploy.service), isProtected);
        if (!isProtected) {
            // Recorded (previous sha for the next deploy), never flagged.
            deploys.put(deploy.deployId, deploy);
            return;
        }
        deploy.graceEndsAt = now.plus(environment.grace());
        deploys.put(deploy.deployId, deploy);
        openDeploy(deploy);
        evaluate(deploy, now);
    }

    // ---- verdicts -----------------------------------------------------------------------------------------

    private void reevaluateOpen(String repository, Instant now) {
        if (openByRepository.getOrDefault(repository, 0) == 0) {
            return;
        }
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, String> it = open.prefixScan(StoreKeys.prefix(repository),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(kv -> ids.add(kv.value));
        }
        for (String id : ids) {
            DeployState deploy = deploys.get(id);
            if (deploy != null) {
                evaluate(deploy, now);
            }
        }
    }

    private void evaluate(DeployState deploy, Instant now) {
        if (deploy.graceEndsAt == null) {
            return;
        }
        EffectivePolicy effective = policy.resolve(deploy.repository, deploy.service, deploy.environment);
        // A status that just became final may already be moved on by what is known: an approval given after the
        // merge remediates a violation at once; a break-glass deadline decided late has already passed. Each
        // step is its own verdict, so the record shows both.
        for (int step = 0; step < 3; step++) {
            VerdictStatus before = deploy.status;
            Assessment assessment = OversightRules.evaluate(facts(deploy, now), effective);
            if (assessment.status() == before) {
                break;
            }
            deploy.status = assessment.status();
            deploy.revision++;
            deploy.decidedAt = now;
            if (assessment.status() == VerdictStatus.EXCEPTION) {
                deploy.exceptionDeadline = assessment.deadline();
            }
            emit(deploy, assessment, effective, now);
            breakGlassOutcome(deploy, before, assessment.status());
            if ((before == null || before == VerdictStatus.PENDING) && assessment.status().isFinal()) {
                meters.latency(assessment.status(), deploy.environment, Duration.between(deploy.receivedAt, now));
            }
            if (assessment.status() != VerdictStatus.VIOLATION && assessment.status() != VerdictStatus.EXCEPTION) {
                break;
            }
        }
        switch (deploy.status) {
            case PENDING -> due.put(StoreKeys.of(StoreKeys.time(deploy.graceEndsAt.toEpochMilli()), deploy.deployId),
                    deploy.deployId);
            case EXCEPTION -> due.put(StoreKeys.of(StoreKeys.time(deploy.exceptionDeadline.toEpochMilli()),
                    deploy.deployId), deploy.deployId);
            case COMPLIANT, REMEDIATED -> closeOpen(deploy);
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

    private void emit(DeployState deploy, Assessment assessment, EffectivePolicy effective, Instant now) {
        String team = team(deploy.service);
        List<String> evidence = new ArrayList<>(deploy.evidence);
        for (Verdict.ChangeSummary change : assessment.changes()) {
            ChangeState state = changes.get(change.id());
            if (state != null) {
                state.evidence.stream().filter(id -> !evidence.contains(id)).forEach(evidence::add);
            }
        }
        CheckSet set = deploy.sha == null ? null : checks.get(StoreKeys.of(deploy.repository, deploy.sha));
        if (set != null) {
            set.evidence.stream().filter(id -> !evidence.contains(id)).forEach(evidence::add);
        }
        Verdict verdict = new Verdict(Verdict.SCHEMA, Verdict.verdictId(deploy.deployId, deploy.revision),
                deploy.revision, deploy.deployId, deploy.repository, deploy.service, deploy.environment, deploy.sha,
                deploy.previousSha, assessment.status(), assessment.reasons(), assessment.changes(),
                assessment.checks(), new Verdict.PolicyRef(effective.name(), effective.version()), now,
                deploy.deployedAt, deploy.deployer == null ? null : deploy.deployer.login(),
                "none".equals(team) ? null : team, deploy.url,
                assessment.deadline(), evidence);
        context.forward(new Record<String, Object>(deploy.repository, verdict, now.toEpochMilli(),
                CloudEventHeaders.write(new RecordHeaders(), verdict.verdictId(), "verdict.v1",
                        "/oversight/policy-stream", now)), VERDICTS_SINK);
        meters.verdict(verdict.status(), deploy.environment, deploy.service, team);
        if (verdict.status() == VerdictStatus.VIOLATION || verdict.status() == VerdictStatus.EXCEPTION) {
            verdict.reasons().stream().map(Verdict.Reason::code).distinct()
                    .forEach(code -> meters.reason(code, deploy.environment, deploy.service, team));
        }
        if (verdict.status() == VerdictStatus.COMPLIANT && deploy.succeeded && !deploy.failed && deploy.sha != null) {
            String key = LastGood.key(deploy.service, deploy.environment);
            LastGood current = lastGood.get(key);
            // The newest compliant deploy is the rollback target, whatever order verdicts are decided in.
            if (current == null || !deploy.deployedAt.isBefore(current.deployedAt())) {
                LastGood good = new LastGood(LastGood.SCHEMA, deploy.service, deploy.environment, deploy.repository,
                        deploy.deployId, verdict.verdictId(), deploy.sha, deploy.deployedAt);
                lastGood.put(key, good);
                context.forward(new Record<String, Object>(key, good, now.toEpochMilli(),
                        CloudEventHeaders.write(new RecordHeaders(), verdict.verdictId(), "last-good.v1",
                                "/oversight/policy-stream", now)), LAST_GOOD_SINK);
            }
        }
    }

    // ---- facts --------------------------------------------------------------------------------------------

    /**
     * Assembles what is known of a deploy. The change set is every change between the previous deploy of the
     * service to the environment and this one, walked through the pushes of the deployed branch (after → before)
     * until a commit deployed there before. A push that lands a change (its merge, squash or last rebased commit)
     * brings that change; a push to an open change's branch brings that change; any other push is a direct push.
     * A first deploy, or a redeploy of a commit deployed before, covers the deployed commit's own push. Where no
     * push is known at all, the deployed commit's own change (merge tie, artifact, or the open change of the
     * deployed branch). In a repository with several services, only pushes touching the service's paths count.
     */
    DeployFacts facts(DeployState deploy, Instant now) {
        String repository = deploy.repository;
        Map<String, DeployFacts.ChangeFacts> found = new LinkedHashMap<>();
        List<DeployFacts.DirectPushFacts> direct = new ArrayList<>();
        List<String> unseen = new ArrayList<>();
        List<String> paths = servicePaths(deploy);
        boolean redeploy = deploy.sha != null && deployedBefore(deploy, deploy.sha);
        String branch = null;
        String cursor = deploy.sha;
        boolean walked = false;
        Set<String> visited = new LinkedHashSet<>();
        int step = 0;
        for (; cursor != null && step < MAX_WALK && visited.add(cursor); step++) {
            if (step > 0 && (cursor.equals(deploy.previousSha) || deployedBefore(deploy, cursor))) {
                break;
            }
            PushState push = pushes.get(StoreKeys.of(repository, cursor));
            if (push == null) {
                if (walked && deploy.previousSha != null) {
                    unseen.add("commits that reached " + branch + " between " + shortSha(deploy.previousSha)
                            + " and " + shortSha(cursor) + " came in pushes Oversight has not seen");
                }
                break;
            }
            walked = true;
            branch = branch == null ? push.branch : branch;
            classify(repository, push, paths, found, direct);
            if (deploy.previousSha == null || redeploy || push.created || push.forced) {
                break; // a first deploy or a redeploy covers its own push; history before a rewrite is not followed
            }
            cursor = push.before;
        }
        if (step >= MAX_WALK) {
            unseen.add("more than " + MAX_WALK + " pushes reached " + branch + " since the previous deploy; "
                    + "the older ones were not examined");
        }
        boolean explained = walked;
        if (!walked && deploy.sha != null) {
            String changeId = ownChange(deploy);
            ChangeState change = changeId == null ? null : changes.get(changeId);
            if (change != null) {
                enrich(change);
                found.put(changeId, change.toFacts());
                explained = true;
            }
        }
        CheckSet set = deploy.sha == null ? null : checks.get(StoreKeys.of(repository, deploy.sha));
        return new DeployFacts(deploy.deployId, repository, deploy.service, deploy.environment, deploy.sha,
                deploy.previousSha, branch != null ? branch : deploy.ref, deploy.deployer, deploy.deployedAt,
                new ArrayList<>(deploy.flags), now, deploy.graceEndsAt, deploy.status, deploy.exceptionDeadline,
                new ArrayList<>(found.values()), direct, explained, unseen, set == null ? List.of() : set.toFacts());
    }

    /** What a push brought to the branch: the changes it landed, or, failing that, a direct push. */
    private void classify(String repository, PushState push, List<String> paths,
                          Map<String, DeployFacts.ChangeFacts> found, List<DeployFacts.DirectPushFacts> direct) {
        Set<String> landed = new LinkedHashSet<>();
        Set<String> heads = new LinkedHashSet<>();
        List<String> shas = new ArrayList<>(push.commits);
        shas.add(push.after);
        for (String sha : shas) {
            CommitLink link = commits.get(StoreKeys.of(repository, sha));
            if (link != null) {
                (link.merge() ? landed : heads).add(link.changeId());
            }
        }
        if (landed.isEmpty()) {
            landed.addAll(heads); // commits that are an open change's head belong to that (unmerged) change
        }
        boolean relevant = push.files.isEmpty() || touches(push.files, paths);
        if (landed.isEmpty()) {
            if (relevant) {
                direct.add(new DeployFacts.DirectPushFacts(push.pusher, push.before, push.after, push.commits,
                        push.files, push.at));
            }
            return;
        }
        for (String changeId : landed) {
            ChangeState change = changes.get(changeId);
            if (change != null && !found.containsKey(changeId)) {
                enrich(change);
                change.addFiles(push.files);
                if (relevant || touches(change.files, paths)) {
                    found.put(changeId, change.toFacts());
                }
            }
        }
    }

    /** The deployed commit's own change, where no push tells: the change it landed or headed, or its artifact's. */
    private String ownChange(DeployState deploy) {
        CommitLink link = commits.get(StoreKeys.of(deploy.repository, deploy.sha));
        if (link != null) {
            return link.changeId();
        }
        if (deploy.artifactId != null) {
            Stores.ArtifactLink artifact = artifacts.get(StoreKeys.of(deploy.repository, deploy.artifactId));
            if (artifact != null && artifact.changeId() != null) {
                return artifact.changeId();
            }
        }
        return null;
    }

    /**
     * Adds to a change what the pushes to its own branch say: who pushed commits to it (committers, for
     * {@code excludeCommitters}) and which files they touched (for owner rules). Walks back from the change's head
     * while the pushes are to its branch.
     */
    private void enrich(ChangeState change) {
        if (change.headSha == null || change.headBranch == null) {
            return;
        }
        String cursor = change.headSha;
        Set<String> visited = new java.util.HashSet<>();
        for (int step = 0; cursor != null && step < MAX_WALK && visited.add(cursor); step++) {
            PushState push = pushes.get(StoreKeys.of(change.repository, cursor));
            if (push == null || !change.headBranch.equals(push.branch)) {
                break;
            }
            if (push.pusher != null && push.pusher.login() != null) {
                change.committers.add(push.pusher.login());
            }
            push.commitAuthors.stream().filter(a -> a != null && !a.isBlank()).forEach(change.committers::add);
            change.addFiles(push.files);
            if (push.created) {
                break;
            }
            cursor = push.before;
        }
    }

    /** Whether another deploy already brought this commit to the deploy's service and environment. */
    private boolean deployedBefore(DeployState deploy, String sha) {
        DeployedCommit by = deployed.get(StoreKeys.of(deploy.repository, deploy.service, deploy.environment, sha));
        return by != null && !by.deployId().equals(deploy.deployId);
    }

    private static String shortSha(String sha) {
        return sha == null ? "(none)" : sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    private static boolean touches(Set<String> files, List<String> paths) {
        if (paths.contains("**")) {
            return true;
        }
        return files.stream().anyMatch(f -> paths.stream().anyMatch(p -> Glob.matchesPath(p, f)));
    }

    private List<String> servicePaths(DeployState deploy) {
        return policy.service(deploy.service)
                .filter(s -> s.repository().equalsIgnoreCase(deploy.repository))
                .map(Policy.ServiceDef::paths).orElse(List.of("**"));
    }

    /**
     * The service a deploy is of: named by the deploy itself, else the repository's only service in policy, else
     * the one whose name the environment or ref mentions, else the repository's name.
     */
    private String service(DeployState deploy) {
        if (deploy.service != null) {
            return deploy.service;
        }
        List<Policy.ServiceDef> defined = policy.servicesOf(deploy.repository);
        if (defined.size() == 1) {
            return defined.get(0).name();
        }
        for (Policy.ServiceDef service : defined) {
            if (mentions(deploy.environment, service.name()) || mentions(deploy.ref, service.name())) {
                return service.name();
            }
        }
        String repository = deploy.repository;
        int slash = Math.max(repository.lastIndexOf('/'), repository.lastIndexOf(':'));
        return slash >= 0 ? repository.substring(slash + 1) : repository;
    }

    private static boolean mentions(String text, String name) {
        return text != null && text.toLowerCase(java.util.Locale.ROOT).contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    private String team(String service) {
        return policy.service(service).map(Policy.ServiceDef::team).filter(t -> t != null && !t.isBlank())
                .orElse("none");
    }

    private Policy.EnvironmentPolicy environmentPolicy(String environment) {
        return policy.environment(environment)
                .or(() -> policy.environment(environment.toLowerCase(java.util.Locale.ROOT)))
                .orElse(null);
    }

    // ---- time ---------------------------------------------------------------------------------------------

    private void onWallClock(long timestamp) {
        Instant now = Instant.ofEpochMilli(timestamp);
        List<KeyValue<String, String>> ready = new ArrayList<>();
        try (KeyValueIterator<String, String> it = due.range("", StoreKeys.time(timestamp) + SEP + '\uffff')) {
            it.forEachRemaining(ready::add);
        }
        for (KeyValue<String, String> entry : ready) {
            due.delete(entry.key);
            DeployState deploy = deploys.get(entry.value);
            if (deploy != null && (deploy.status == VerdictStatus.PENDING || deploy.status == VerdictStatus.EXCEPTION)) {
                evaluate(deploy, now);
            }
        }
        if (!now.isBefore(nextSweep)) {
            sweeper.sweep(now);
            nextSweep = now.plus(Duration.ofMinutes(1));
        }
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
