package dev.oversight.policy.rules;

import dev.oversight.events.Verdict;
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

        /** The action of a label ({@code alert}, {@code rollback}, {@code alert+rollback}); empty for anything else. */
        public static Optional<Action> ofLabel(String label) {
            if (label == null) {
                return Optional.empty();
            }
            return switch (label.trim().toLowerCase(Locale.ROOT)) {
                case "alert" -> Optional.of(ALERT);
                case "rollback" -> Optional.of(ROLLBACK);
                case "alert+rollback", "rollback+alert" -> Optional.of(ALERT_AND_ROLLBACK);
                default -> Optional.empty();
            };
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
                             RollbackTarget rollback) {
        public ServiceDef {
            paths = paths == null || paths.isEmpty() ? List.of("**") : List.copyOf(paths);
            rollback = rollback == null ? new RollbackTarget.None() : rollback;
        }
    }

    /**
     * The policy of an environment, by its name as a deploy reports it. Environment names are chosen by people
     * ({@code Production} as often as {@code production}), so a name matches the policy's environment of the same
     * name in any case; the policy file cannot declare two that differ only in case. The one rule, for every
     * service: policy-stream decides with it and writes the outcome into the verdict.
     */
    public Optional<EnvironmentPolicy> environment(String environment) {
        return Optional.ofNullable(environments.get(environmentName(environment)));
    }

    /** The policy's own name of an environment a deploy reports (same name in any case), else the name reported. */
    public String environmentName(String environment) {
        if (environment == null || environments.containsKey(environment)) {
            return environment;
        }
        return environments.keySet().stream().filter(name -> name.equalsIgnoreCase(environment)).findFirst()
                .orElse(environment);
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

    /**
     * The service a deploy is of: named by the deploy itself, else the repository's only service in policy, else
     * the one whose name the environment or ref mentions, else the repository's name.
     */
    public String serviceOf(String repository, String named, String environment, String ref) {
        if (named != null && !named.isBlank()) {
            return named;
        }
        List<ServiceDef> defined = servicesOf(repository);
        if (defined.size() == 1) {
            return defined.get(0).name();
        }
        for (ServiceDef service : defined) {
            if (mentions(environment, service.name()) || mentions(ref, service.name())) {
                return service.name();
            }
        }
        int slash = Math.max(repository.lastIndexOf('/'), repository.lastIndexOf(':'));
        return slash >= 0 ? repository.substring(slash + 1) : repository;
    }

    private static boolean mentions(String text, String name) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT));
    }

    /** The team of a service, where policy names one. */
    public Optional<String> team(String service) {
        return service(service).map(ServiceDef::team).filter(t -> t != null && !t.isBlank());
    }

    /** The paths of a repository that belong to a service ({@code **}: all, where policy does not say). */
    public List<String> pathsOf(String service, String repository) {
        return service(service).filter(s -> s.repository().equalsIgnoreCase(repository)).map(ServiceDef::paths)
                .orElse(List.of("**"));
    }

    /** What a violation in an environment leads to, as a verdict carries it to the worker. */
    public Verdict.Decision decision(String environment) {
        EnvironmentPolicy env = environment(environment).orElse(null);
        return env == null ? new Verdict.Decision(false, Action.ALERT.label(), false)
                : new Verdict.Decision(env.isProtected(), env.action().label(), env.dryRun());
    }

    /** The settings that apply to one deploy: the defaults, then every matching rule in order. */
    public EffectivePolicy resolve(String repository, String service, String reportedEnvironment) {
        String environment = environmentName(reportedEnvironment);
        EnvironmentPolicy env = environment(environment)
                .orElse(new EnvironmentPolicy(false, Action.ALERT, false, DEFAULT_GRACE));
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
