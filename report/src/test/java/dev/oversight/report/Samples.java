package dev.oversight.report;

import dev.oversight.events.Action;
import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of deploys as policy-stream and the worker record them: each deploy's verdict revisions (a
 * PENDING one, then COMPLIANT, or VIOLATION possibly REMEDIATED later, or a break-glass EXCEPTION), in schema 1 and 2,
 * and the worker's actions on violations. The same seed gives the same records.
 */
public final class Samples {

    public static final List<String> SERVICES = List.of("payments", "checkout", "search", "ledger");
    public static final List<String> TEAMS = List.of("payments", "shop", "discovery", "payments");
    public static final List<String> ENVIRONMENTS = List.of("production", "staging");

    private final Random random;
    private final Instant start;
    private final Duration spacing;
    private int deploys;

    /** Deploys 37 minutes apart from {@code start}. */
    public Samples(long seed, Instant start) {
        this(seed, start, Duration.ofMinutes(37));
    }

    public Samples(long seed, Instant start, Duration spacing) {
        this.random = new Random(seed);
        this.start = start;
        this.spacing = spacing;
    }

    /** One deploy's records: its verdicts, in revision order, and the actions taken on them. */
    public record Deploy(List<Verdict> verdicts, List<Action> actions) {}

    public Deploy next() {
        int n = deploys++;
        int s = random.nextInt(SERVICES.size());
        String service = SERVICES.get(s);
        String team = TEAMS.get(s);
        String environment = ENVIRONMENTS.get(random.nextInt(4) == 0 ? 1 : 0);
        String repository = "github:acme/" + service;
        String deployId = repository + "/deployments/" + (1000 + n);
        Instant deployedAt = start.plus(spacing.multipliedBy(n));
        String sha = sha();
        String author = "dev" + random.nextInt(6);
        String deployer = random.nextInt(5) == 0 ? author : "deploy-bot";
        boolean approved = random.nextInt(10) < 7;
        boolean breakGlass = !approved && random.nextInt(4) == 0;
        List<Verdict.ChangeSummary> changes = List.of(new Verdict.ChangeSummary(repository + "#" + (n + 1),
                "Change " + (n + 1), "https://github.com/acme/" + service + "/pull/" + (n + 1), author,
                approved ? List.of("reviewer" + random.nextInt(3)) : List.of(), sha, sha));
        List<Verdict.CheckSummary> checks = List.of(new Verdict.CheckSummary("build", "success", sha, null));
        int schema = random.nextBoolean() ? 1 : 2;
        List<Verdict> verdicts = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        verdicts.add(verdict(schema, deployId, 1, repository, service, environment, sha, VerdictStatus.PENDING,
                List.of(), changes, checks, deployedAt, deployedAt.plusSeconds(1), deployer, team, null));
        Instant decided = deployedAt.plusSeconds(61);
        if (approved) {
            verdicts.add(verdict(schema, deployId, 2, repository, service, environment, sha, VerdictStatus.COMPLIANT,
                    List.of(), changes, checks, deployedAt, decided, deployer, team, null));
        } else if (breakGlass) {
            Instant deadline = deployedAt.plus(Duration.ofHours(24));
            verdicts.add(verdict(schema, deployId, 2, repository, service, environment, sha, VerdictStatus.EXCEPTION,
                    List.of(new Verdict.Reason(ReasonCode.BREAK_GLASS, "emergency deploy")), changes, checks,
                    deployedAt, decided, deployer, team, deadline));
            boolean inTime = random.nextBoolean();
            verdicts.add(verdict(schema, deployId, 3, repository, service, environment, sha,
                    inTime ? VerdictStatus.REMEDIATED : VerdictStatus.VIOLATION,
                    inTime ? List.of() : List.of(new Verdict.Reason(ReasonCode.BREAK_GLASS_EXPIRED, "no review in 24h")),
                    changes, checks, deployedAt, inTime ? decided.plus(Duration.ofHours(3)) : deadline, deployer, team,
                    deadline));
        } else {
            ReasonCode code = random.nextBoolean() ? ReasonCode.NO_APPROVAL : ReasonCode.SELF_APPROVAL;
            Verdict violation = verdict(schema, deployId, 2, repository, service, environment, sha,
                    VerdictStatus.VIOLATION, List.of(new Verdict.Reason(code, "change has no approval <b>by</b> anyone")),
                    changes, checks, deployedAt, decided, deployer, team, null);
            verdicts.add(violation);
            actions.add(action(violation, Action.ActionType.ALERT, "alertmanager", Action.ActionPhase.SUCCEEDED,
                    decided.plusSeconds(1)));
            int outcome = random.nextInt(3);
            if (outcome == 0) {
                verdicts.add(verdict(schema, deployId, 3, repository, service, environment, sha,
                        VerdictStatus.REMEDIATED, List.of(new Verdict.Reason(code, "reviewed after the fact")),
                        changes, checks, deployedAt, decided.plus(Duration.ofMinutes(20 + random.nextInt(600))),
                        deployer, team, null));
            } else if (outcome == 1 && environment.equals("production")) {
                actions.add(action(violation, Action.ActionType.ROLLBACK, "webhook", Action.ActionPhase.REQUESTED,
                        decided.plusSeconds(2)));
                actions.add(action(violation, Action.ActionType.ROLLBACK, "webhook", Action.ActionPhase.SUCCEEDED,
                        decided.plusSeconds(5)));
            }
        }
        return new Deploy(verdicts, actions);
    }

    private String sha() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Verdict verdict(int schema, String deployId, int revision, String repository, String service,
                                   String environment, String sha, VerdictStatus status, List<Verdict.Reason> reasons,
                                   List<Verdict.ChangeSummary> changes, List<Verdict.CheckSummary> checks,
                                   Instant deployedAt, Instant decidedAt, String deployer, String team,
                                   Instant deadline) {
        Verdict.Decision decision = schema == 2
                ? new Verdict.Decision(environment.equals("production"), "alert+rollback", false) : null;
        return new Verdict(schema, Verdict.verdictId(deployId, revision), revision, deployId, repository, service,
                environment, sha, null, status, reasons, changes, checks,
                new Verdict.PolicyRef("acme-default", "sha256:0123456789abcdef0123456789abcdef"), decidedAt,
                deployedAt, deployer, team, null, deadline, List.of("delivery-" + deployId.hashCode()), decision);
    }

    private static Action action(Verdict v, Action.ActionType type, String target, Action.ActionPhase phase,
                                 Instant at) {
        LastGood to = type == Action.ActionType.ROLLBACK
                ? new LastGood(1, v.service(), v.environment(), v.repository(), v.deployId() + "-before",
                "before@2", "0000000000000000000000000000000000000000", at.minus(Duration.ofDays(1)))
                : null;
        return new Action(1, Action.actionId(v.verdictId(), type, target), v.verdictId(), v.deployId(),
                v.repository(), v.service(), v.environment(), type, target, phase, false, 1, "done", at, v.status(),
                null, null, to);
    }
}
