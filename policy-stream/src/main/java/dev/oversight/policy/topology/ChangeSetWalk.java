package dev.oversight.policy.topology;

import dev.oversight.policy.rules.DeployFacts;
import dev.oversight.policy.rules.Glob;
import dev.oversight.policy.rules.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles what is known of a deploy — its commit, its previous deploy, its change set, the checks on its commit —
 * from everything stored, read through an {@link EvidenceView}. It writes nothing, so it is called at every
 * evaluation of an open deploy: evidence that arrived since, in any order, is used. The deliveries the facts rest
 * on are collected on the way.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>The deployed commit is the deploy's own; where the deploy names only an artifact, the commit that artifact
 *       was built from (whenever that artifact's event arrives).</li>
 *   <li>The previous deploy is the latest successful deploy of the service to the environment before this one in
 *       deploy time, whatever order their events arrived in.</li>
 *   <li>The change set is walked through the pushes of the deployed branch (after → before) from the deployed commit
 *       until a commit deployed there before, the previous deploy's commit, a branch creation or a forced push. A
 *       push that lands a change (its merge, squash or last rebased commit) brings that change; a push of an open
 *       change's head brings that change; any other push is a direct push.</li>
 *   <li>A first deploy, or a redeploy of a commit deployed before, covers only the deployed commit's own push.</li>
 *   <li>Where no push is known at all, the deployed commit's own change: the change it landed or headed, or its
 *       artifact's change.</li>
 *   <li>Where pushes were walked but stop before the previous deploy, the unseen stretch is said (UNKNOWN_CHANGE).</li>
 *   <li>In a repository with several services, only pushes and changes touching the service's paths count.</li>
 *   <li>A deploy with no deploy of the service to the environment before it is a first deploy: where nothing
 *       Oversight saw explains its commit, it is the baseline Oversight starts from.</li>
 *   <li>A change's committers and files are read from the pushes to its own branch, walking back from its head.</li>
 * </ol>
 */
final class ChangeSetWalk {

    /** How far back a walk follows pushes before it stops. */
    static final int MAX_WALK = 500;

    private final EvidenceView view;
    private final Policy policy;

    ChangeSetWalk(EvidenceView view, Policy policy) {
        this.view = view;
        this.policy = policy;
    }

    /** A deploy's facts at one evaluation, and the deliveries on {@code oversight.raw} they rest on. */
    record Assembled(DeployFacts facts, List<String> evidence) {}

    /** The commit a deploy brought: its own, or its artifact's (rule 1); null while neither is known. */
    String deployedSha(DeployState deploy) {
        if (deploy.sha != null) {
            return deploy.sha;
        }
        Stores.ArtifactLink artifact = view.artifact(deploy.repository, deploy.artifactId);
        return artifact == null ? null : artifact.sha();
    }

    /** The commit of the deploy before this one in deploy time (rule 2), null for a first deploy. */
    String previousSha(DeployState deploy) {
        DeployHistory history = view.history(deploy.repository, deploy.service, deploy.environment);
        if (history == null || deploy.deployedAt == null) {
            return null;
        }
        return history.before(deploy.deployedAt, deploy.deployId).map(previous -> {
            if (previous.sha() != null) {
                return previous.sha();
            }
            Stores.ArtifactLink artifact = view.artifact(deploy.repository, previous.artifactId());
            return artifact == null ? null : artifact.sha();
        }).orElse(null);
    }

    /** Whether a deploy of the service to the environment before this one (in deploy time) is known. */
    boolean hasPrevious(DeployState deploy) {
        DeployHistory history = view.history(deploy.repository, deploy.service, deploy.environment);
        return history != null && deploy.deployedAt != null
                && history.before(deploy.deployedAt, deploy.deployId).isPresent();
    }

    Assembled assemble(DeployState deploy, Instant now) {
        String repository = deploy.repository;
        String sha = deployedSha(deploy);
        String previousSha = previousSha(deploy);
        Map<String, DeployFacts.ChangeFacts> found = new LinkedHashMap<>();
        Set<String> evidence = new LinkedHashSet<>(deploy.evidence);
        List<DeployFacts.DirectPushFacts> direct = new ArrayList<>();
        List<String> unseen = new ArrayList<>();
        List<String> paths = policy.pathsOf(deploy.service, repository);
        boolean redeploy = sha != null && deployedBefore(deploy, sha);
        String branch = null;
        String cursor = sha;
        boolean walked = false;
        Set<String> visited = new HashSet<>();
        int step = 0;
        for (; cursor != null && step < MAX_WALK && visited.add(cursor); step++) {
            if (step > 0 && (cursor.equals(previousSha) || deployedBefore(deploy, cursor))) {
                break;
            }
            PushState push = view.push(repository, cursor);
            if (push == null) {
                if (walked && previousSha != null) {
                    unseen.add("commits that reached " + branch + " between " + shortSha(previousSha) + " and "
                            + shortSha(cursor) + " came in pushes Oversight has not seen");
                }
                break;
            }
            walked = true;
            branch = branch == null ? push.branch : branch;
            classify(repository, push, paths, found, direct, evidence);
            if (previousSha == null || redeploy || push.created || push.forced) {
                break; // rule 4, and history before a rewrite is not followed
            }
            cursor = push.before;
        }
        if (step >= MAX_WALK) {
            unseen.add("more than " + MAX_WALK + " pushes reached " + branch + " since the previous deploy; "
                    + "the older ones were not examined");
        }
        boolean explained = walked;
        if (!walked && sha != null) {
            ChangeState change = view.change(ownChange(deploy, sha));
            if (change != null) {
                found.put(change.changeId, facts(change, Set.of()));
                evidence.addAll(change.evidence);
                explained = true;
            }
        }
        CheckSet checks = view.checks(repository, sha);
        DeployFacts facts = new DeployFacts(deploy.deployId, repository, deploy.service, deploy.environment, sha,
                previousSha, branch != null ? branch : deploy.ref, deploy.deployer, deploy.deployedAt,
                new ArrayList<>(deploy.flags), now, deploy.graceEndsAt, deploy.status, deploy.exceptionDeadline,
                new ArrayList<>(found.values()), direct, explained, unseen,
                checks == null ? List.of() : checks.toFacts(), !hasPrevious(deploy));
        if (checks != null) {
            evidence.addAll(checks.evidence);
        }
        return new Assembled(facts, new ArrayList<>(evidence));
    }

    /** What a push brought to the branch: the changes it landed, or, failing that, a direct push (rule 3). */
    private void classify(String repository, PushState push, List<String> paths,
                          Map<String, DeployFacts.ChangeFacts> found, List<DeployFacts.DirectPushFacts> direct,
                          Set<String> evidence) {
        Set<String> landed = new LinkedHashSet<>();
        Set<String> heads = new LinkedHashSet<>();
        List<String> shas = new ArrayList<>(push.commits);
        shas.add(push.after);
        for (String sha : shas) {
            CommitLink link = view.commit(repository, sha);
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
            ChangeState change = found.containsKey(changeId) ? null : view.change(changeId);
            if (change != null) {
                DeployFacts.ChangeFacts facts = facts(change, push.files);
                if (relevant || touches(facts.files(), paths)) {
                    found.put(changeId, facts);
                    evidence.addAll(change.evidence);
                }
            }
        }
    }

    /** The deployed commit's own change where no push tells: the change it landed or headed, or its artifact's. */
    private String ownChange(DeployState deploy, String sha) {
        CommitLink link = view.commit(deploy.repository, sha);
        if (link != null) {
            return link.changeId();
        }
        Stores.ArtifactLink artifact = view.artifact(deploy.repository, deploy.artifactId);
        return artifact == null ? null : artifact.changeId();
    }

    /**
     * A change as the rules see it, with what the pushes to its own branch add (rule 8): who pushed commits to it
     * (committers, for {@code excludeCommitters}) and which files they touched (for owner rules). Walks back from
     * the change's head while the pushes are to its branch. The stored change is not modified.
     */
    private DeployFacts.ChangeFacts facts(ChangeState change, Set<String> landingFiles) {
        Set<String> committers = new LinkedHashSet<>(change.committers);
        Set<String> files = new LinkedHashSet<>(change.files);
        if (change.headSha != null && change.headBranch != null) {
            String cursor = change.headSha;
            Set<String> visited = new HashSet<>();
            for (int step = 0; cursor != null && step < MAX_WALK && visited.add(cursor); step++) {
                PushState push = view.push(change.repository, cursor);
                if (push == null || !change.headBranch.equals(push.branch)) {
                    break;
                }
                if (push.pusher != null && push.pusher.login() != null) {
                    committers.add(push.pusher.login());
                }
                push.commitAuthors.stream().filter(a -> a != null && !a.isBlank()).forEach(committers::add);
                ChangeState.addBounded(files, push.files);
                if (push.created) {
                    break;
                }
                cursor = push.before;
            }
        }
        ChangeState.addBounded(files, landingFiles);
        return change.toFacts(committers, files);
    }

    /** Whether another deploy already brought this commit to the deploy's service and environment. */
    private boolean deployedBefore(DeployState deploy, String sha) {
        DeployedCommit by = view.deployed(deploy.repository, deploy.service, deploy.environment, sha);
        return by != null && !by.deployId().equals(deploy.deployId);
    }

    private static boolean touches(Set<String> files, List<String> paths) {
        if (paths.contains("**")) {
            return true;
        }
        return files.stream().anyMatch(f -> paths.stream().anyMatch(p -> Glob.matchesPath(p, f)));
    }

    static String shortSha(String sha) {
        return sha == null ? "(none)" : sha.length() > 7 ? sha.substring(0, 7) : sha;
    }
}
