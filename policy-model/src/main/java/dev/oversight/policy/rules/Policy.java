package dev.oversight.policy.rules;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A whole policy, as read from the policy file (or the built-in default): which environments are protected and
 * what happens on a violation there, the rules that apply per repository / service / environment, groups, bots
 * and services. {@link #resolve} gives the effective settings for one deploy.
 *
 * @param version a hash of the policy's content ({@code sha256:…}); every verdict names it
 */
public record Policy(
        String name,
        String version,
        Map<String, EnvironmentPolicy> environments,
        List<Rule> rules,
        Map<String, Set<String>> groups,
        Set<String> botLogins,
        List<ServiceDef> services) {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);

    public Policy {
        environments = Map.copyOf(environments);
        rules = List.copyOf(rules);
        groups = Map.copyOf(groups);
        botLogins = Set.copyOf(botLogins);
        services = List.copyOf(services);
    }

    /** Where a violation leads in an environment. */
    public enum Action {
        ALERT, ROLLBACK, ALERT_AND_ROLLBACK;

        public boolean alerts() {
            return this != ROLLBACK;
        }

        public boolean rollsBack() {
            return this != ALERT;
        }

        public String label() {
            return this == ALERT_AND_ROLLBACK ? "alert+rollback" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** @param grace how long a verdict may wait for evidence before it is final */
    public record EnvironmentPolicy(boolean isProtected, Action action, boolean dryRun, Duration grace) {}

    /** Which deploys a rule applies to: glob patterns ({@code *} within a segment, {@code **} across); null matches all. */
    public record Match(String repository, String service, String environment) {

        public static final Match ALL = new Match(null, null, null);

        public boolean matches(String repositoryId, String serviceName, String environmentName) {
            return Glob.matches(repository, repositoryId) && Glob.matches(service, serviceName)
                    && Glob.matches(environment, environmentName);
        }
    }

    /**
     * @param count             distinct human approvals needed, not counting the change's author
     * @param onFinalHead       approvals must be given on the change's last commit
     * @param excludeCommitters approvals from anyone who pushed commits to the change do not count either
     */
    public record Approvals(int count, boolean onFinalHead, boolean excludeCommitters) {}

    /** Required checks by name, or every check that reported ({@code allReported}). */
    public record Checks(boolean allReported, List<String> required) {

        public Checks {
            required = List.copyOf(required);
        }

        public static final Checks ALL_REPORTED = new Checks(true, List.of());
    }

    /** Changes touching these paths (CODEOWNERS-style patterns) need an approval from someone in the group. */
    public record OwnerRule(List<String> paths, String group) {
        public OwnerRule {
            paths = List.copyOf(paths);
        }
    }

    /**
     * How an emergency deploy is declared: a label on a change, or a flag in the deploy payload; and how long the
     * review after the fact may take.
     */
    public record BreakGlass(String label, String deployFlag, Duration reviewWithin) {}

    /**
     * A change freeze: a fixed range ({@code from}/{@code until}) or a weekly recurring window (a cron-like
     * {@code "minute hour * * DAYS"} start, a duration, a zone).
     */
    public record Freeze(String name, java.time.Instant from, java.time.Instant until, String cron, Duration duration,
                         java.time.ZoneId zone) {}

    /** Pushers allowed to push straight to a deployed branch (release bots). */
    public record DirectPush(Set<String> allow) {
        public DirectPush {
            allow = Set.copyOf(allow);
        }
    }

    /** One rule: where it applies and what it asks. A field left null keeps what an earlier rule (or the default) set. */
    public record Rule(Match match, Approvals approvals, Checks checks, List<OwnerRule> owners, List<String> requiredGroups,
                       BreakGlass breakGlass, List<Freeze> freezes, DirectPush directPush) {}

    /**
     * A service: the repository it is built from, the paths of that repository that belong to it, its team and
     * how it is rolled back.
     */
    public record ServiceDef(String name, String repository, String team, List<String> paths,
                             Map<String, String> rollback) {
        public ServiceDef {
            paths = paths == null || paths.isEmpty() ? List.of("**") : List.copyOf(paths);
            rollback = rollback == null ? Map.of() : Map.copyOf(rollback);
        }
    }

    public Optional<EnvironmentPolicy> environment(String environment) {
        return Optional.ofNullable(environments.get(environment));
    }

    public boolean isProtected(String environment) {
        return environment(environment).map(EnvironmentPolicy::isProtected).orElse(false);
    }

    /** The services built from a repository, in policy order. */
    public List<ServiceDef> servicesOf(String repository) {
        return services.stream().filter(s -> s.repository().equalsIgnoreCase(repository)).toList();
    }

    public Optional<ServiceDef> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The settings that apply to one deploy: the defaults, then every matching rule in order. */
    public EffectivePolicy resolve(String repository, String service, String environment) {
        EnvironmentPolicy env = environments.getOrDefault(environment,
                new EnvironmentPolicy(false, Action.ALERT, false, DEFAULT_GRACE));
        Approvals approvals = new Approvals(1, true, false);
        Checks checks = Checks.ALL_REPORTED;
        List<OwnerRule> owners = List.of();
        List<String> requiredGroups = List.of();
        BreakGlass breakGlass = null;
        List<Freeze> freezes = List.of();
        DirectPush directPush = new DirectPush(Set.of());
        for (Rule rule : rules) {
            if (!rule.match().matches(repository, service, environment)) {
                continue;
            }
            if (rule.approvals() != null) {
                approvals = rule.approvals();
            }
            if (rule.checks() != null) {
                checks = rule.checks();
            }
            if (rule.owners() != null) {
                owners = rule.owners();
            }
            if (rule.requiredGroups() != null) {
                requiredGroups = rule.requiredGroups();
            }
            if (rule.breakGlass() != null) {
                breakGlass = rule.breakGlass();
            }
            if (rule.freezes() != null) {
                freezes = rule.freezes();
            }
            if (rule.directPush() != null) {
                directPush = rule.directPush();
            }
        }
        return new EffectivePolicy(name, version, env, approvals, checks, owners, requiredGroups, breakGlass,
                freezes, directPush, groups, botLogins);
    }
}
