package dev.oversight.policy.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.oversight.events.Durations;
import dev.oversight.policy.rules.FreezeCalendar;
import dev.oversight.policy.rules.Glob;
import dev.oversight.policy.rules.Policy;
import dev.oversight.policy.rules.RollbackTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a policy file (YAML) into a {@link Policy}, checking everything and reporting every problem at once with
 * where it is ({@code rules[1].approvals.count: …}). Unknown keys are problems too: a misspelt key must not
 * silently weaken a policy, and so is a name that refers to nothing declared (a rule's environment, a group).
 * What is valid but may not do what was meant (a rule's environment pattern that matches no declared environment)
 * is a warning, given by {@link #check}. The policy's version is the SHA-256 of the file's bytes. Keys: module
 * README.
 */
public final class PolicyFile {

    public static final String DEFAULT_RESOURCE = "/default-policy.yaml";
    public static final Set<String> EXECUTORS = Set.of("github", "argocd", "webhook", "command", "none");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private PolicyFile() {}

    /** A valid policy, and what in it is valid but may not do what was meant. */
    public record Checked(Policy policy, List<String> warnings) {
        public Checked {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Reads a policy file as {@link #load} does, with the warnings too: what {@code oversight policy check} reports.
     *
     * @throws PolicyException with every problem, when there is any
     */
    public static Checked check(Path file) {
        return check(read(file), file.toString());
    }

    /** The built-in default policy. */
    public static Policy defaultPolicy() {
        try (InputStream in = PolicyFile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the built-in policy is missing from the build");
            }
            return parse(in.readAllBytes(), "built-in default policy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The policy in a file, or the built-in default when no file is named. */
    public static Policy loadOrDefault(String file) {
        return file == null || file.isBlank() ? defaultPolicy() : load(Path.of(file.trim()));
    }

    public static Policy load(Path file) {
        return parse(read(file), file.toString());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyException(file.toString(), List.of("cannot read the file: " + e.getMessage()));
        }
    }

    public static Policy parse(String yaml, String source) {
        return parse(yaml.getBytes(StandardCharsets.UTF_8), source);
    }

    public static Policy parse(byte[] bytes, String source) {
        return check(bytes, source).policy();
    }

    public static Checked check(String yaml, String source) {
        return check(yaml.getBytes(StandardCharsets.UTF_8), source);
    }

    /** Reads a policy with its warnings; {@link PolicyException} with every problem when there is any. */
    public static Checked check(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new PolicyException(source, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PolicyFile reader = new PolicyFile();
        Policy policy = reader.read(root, "sha256:" + sha256(bytes));
        if (!reader.problems.isEmpty()) {
            throw new PolicyException(source, reader.problems);
        }
        return new Checked(policy, reader.warnings);
    }

    private Policy read(JsonNode root, String version) {
        if (root == null || !root.isObject()) {
            problems.add("the policy must be a YAML mapping with at least a name");
            return null;
        }
        keys(root, "", Set.of("name", "grace", "groups", "bots", "environments", "rules", "services"));
        String name = text(root, "name", "name");
        if (name == null) {
            problems.add("name: a policy needs a name (every verdict names its policy)");
        }
        Duration grace = duration(root.get("grace"), "grace", Policy.DEFAULT_GRACE);

        Map<String, Set<String>> groups = new LinkedHashMap<>();
        JsonNode groupNode = root.get("groups");
        if (groupNode != null && !groupNode.isNull()) {
            if (!groupNode.isObject()) {
                problems.add("groups: must map group names to lists of logins");
            } else {
                groupNode.fields().forEachRemaining(e -> groups.put(e.getKey(),
                        new HashSet<>(strings(e.getValue(), "groups." + e.getKey()))));
            }
        }

        Set<String> bots = new HashSet<>();
        JsonNode botNode = root.get("bots");
        if (botNode != null && !botNode.isNull()) {
            keys(botNode, "bots", Set.of("logins"));
            bots.addAll(strings(botNode.get("logins"), "bots.logins"));
        }

        Map<String, Policy.EnvironmentPolicy> environments = new LinkedHashMap<>();
        JsonNode envNode = root.get("environments");
        if (envNode != null && !envNode.isNull()) {
            if (!envNode.isObject()) {
                problems.add("environments: must map environment names to their settings");
            } else {
                Map<String, String> byLowerCase = new HashMap<>();
                envNode.fields().forEachRemaining(e -> {
                    String other = byLowerCase.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getKey());
                    if (other != null) {
                        problems.add("environments." + e.getKey() + ": differs from environments." + other
                                + " only in case; environment names match in any case, so declare it once");
                    }
                    environments.put(e.getKey(), environment(e.getValue(), "environments." + e.getKey(), grace));
                });
            }
        }

        List<Policy.Rule> rules = new ArrayList<>();
        JsonNode ruleNodes = root.get("rules");
        if (ruleNodes != null && !ruleNodes.isNull()) {
            if (!ruleNodes.isArray()) {
                problems.add("rules: must be a list");
            } else {
                for (int i = 0; i < ruleNodes.size(); i++) {
                    rules.add(rule(ruleNodes.get(i), "rules[" + i + "]", groups, environments.keySet()));
                }
            }
        }

        List<Policy.ServiceDef> services = new ArrayList<>();
        JsonNode serviceNodes = root.get("services");
        if (serviceNodes != null && !serviceNodes.isNull()) {
            if (!serviceNodes.isArray()) {
                problems.add("services: must be a list");
            } else {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < serviceNodes.size(); i++) {
                    Policy.ServiceDef service = service(serviceNodes.get(i), "services[" + i + "]");
                    if (service != null && !names.add(service.name())) {
                        problems.add("services[" + i + "].name: '" + service.name() + "' is defined twice");
                    }
                    if (service != null) {
                        services.add(service);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new Policy(name, version, environments, rules, groups, bots, services);
    }

    /**
     * A rule's environment names a declared environment (in any case, as deploys' environments match): a name that
     * names none is a typo that would make the rule apply to no deploy of a protected environment, so it is a
     * problem. A pattern ({@code *}, {@code ?}) that matches no declared environment is a warning: it can only match
     * environments the policy does not declare, which are never flagged.
     */
    private void environmentPattern(String pattern, Set<String> declared, String path) {
        if (pattern == null || pattern.equals("*") || pattern.equals("**")) {
            return;
        }
        String known = declared.isEmpty() ? " (none is declared)" : " (declared: " + String.join(", ", declared) + ")";
        if (!pattern.contains("*") && !pattern.contains("?")) {
            if (declared.stream().noneMatch(name -> name.equalsIgnoreCase(pattern))) {
                String suggestion = didYouMean(pattern, declared);
                problems.add(path + ": no environment '" + pattern + "' is declared under environments"
                        + (suggestion.isEmpty() ? known : suggestion));
            }
        } else if (declared.stream().noneMatch(name -> Glob.matches(pattern, name))) {
            warnings.add(path + ": '" + pattern + "' matches no environment declared under environments" + known
                    + ", so the rule applies only to environments that are never flagged");
        }
    }

    /** {@code " (did you mean 'production'?)"} when one of the names is close to the one given, else nothing. */
    static String didYouMean(String given, Set<String> names) {
        String lower = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int distance = distance(lower, name.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = name;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(2, given.length() / 4) ? " (did you mean '" + best + "'?)" : "";
    }

    /** Edit distance (Levenshtein): insertions, deletions and substitutions of one character. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private Policy.EnvironmentPolicy environment(JsonNode node, String path, Duration defaultGrace) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": must be a mapping such as { protected: true, action: alert }");
            return new Policy.EnvironmentPolicy(false, Policy.Action.ALERT, false, defaultGrace);
        }
        keys(node, path, Set.of("protected", "action", "dryRun", "grace"));
        boolean isProtected = bool(node.get("protected"), path + ".protected", false);
        Policy.Action action = Policy.Action.ALERT;
        String actionText = text(node, "action", path + ".action");
        if (actionText != null) {
            Optional<Policy.Action> given = Policy.Action.ofLabel(actionText);
            if (given.isPresent()) {
                action = given.get();
            } else {
                problems.add(path + ".action: must be alert, rollback or alert+rollback, got '" + actionText + "'");
            }
        }
        return new Policy.EnvironmentPolicy(isProtected, action, bool(node.get("dryRun"), path + ".dryRun", false),
                duration(node.get("grace"), path + ".grace", defaultGrace));
    }

    private Policy.Rule rule(JsonNode node, String path, Map<String, Set<String>> groups, Set<String> environments) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": must be a mapping with a match and what it asks");
            return new Policy.Rule(Policy.Match.ALL, null, null, null, null, null, null, null);
        }
        keys(node, path, Set.of("match", "approvals", "checks", "owners", "requireGroups", "breakGlass", "freeze",
                "directPush"));
        Policy.Match match = Policy.Match.ALL;
        JsonNode matchNode = node.get("match");
        if (matchNode != null && !matchNode.isNull()) {
            keys(matchNode, path + ".match", Set.of("repository", "service", "environment"));
            match = new Policy.Match(text(matchNode, "repository", path + ".match.repository"),
                    text(matchNode, "service", path + ".match.service"),
                    text(matchNode, "environment", path + ".match.environment"));
            environmentPattern(match.environment(), environments, path + ".match.environment");
        }

        Policy.Approvals approvals = null;
        JsonNode approvalNode = node.get("approvals");
        if (approvalNode != null && !approvalNode.isNull()) {
            String p = path + ".approvals";
            keys(approvalNode, p, Set.of("count", "onFinalHead", "excludeCommitters"));
            approvals = new Policy.Approvals(integer(approvalNode.get("count"), p + ".count", 1, 0, 20),
                    bool(approvalNode.get("onFinalHead"), p + ".onFinalHead", true),
                    bool(approvalNode.get("excludeCommitters"), p + ".excludeCommitters", false));
        }

        Policy.Checks checks = null;
        JsonNode checkNode = node.get("checks");
        if (checkNode != null && !checkNode.isNull()) {
            if (checkNode.isTextual() && checkNode.asText().equals("all-reported")) {
                checks = Policy.Checks.ALL_REPORTED;
            } else if (checkNode.isArray()) {
                checks = new Policy.Checks(false, strings(checkNode, path + ".checks"));
            } else {
                problems.add(path + ".checks: must be a list of check names or 'all-reported'");
            }
        }

        List<Policy.OwnerRule> owners = null;
        JsonNode ownerNodes = node.get("owners");
        if (ownerNodes != null && !ownerNodes.isNull()) {
            owners = new ArrayList<>();
            if (!ownerNodes.isArray()) {
                problems.add(path + ".owners: must be a list of { paths: [...], group: name }");
            } else {
                for (int i = 0; i < ownerNodes.size(); i++) {
                    String p = path + ".owners[" + i + "]";
                    JsonNode owner = ownerNodes.get(i);
                    keys(owner, p, Set.of("paths", "group"));
                    String group = text(owner, "group", p + ".group");
                    List<String> paths = strings(owner.get("paths"), p + ".paths");
                    if (group == null) {
                        problems.add(p + ".group: names the group whose approval the paths need");
                    } else if (!groups.containsKey(group)) {
                        problems.add(p + ".group: no group '" + group + "' is defined under groups"
                                + didYouMean(group, groups.keySet()));
                    }
                    if (paths.isEmpty()) {
                        problems.add(p + ".paths: at least one path pattern");
                    }
                    owners.add(new Policy.OwnerRule(paths, group));
                }
            }
        }

        List<String> requiredGroups = null;
        JsonNode requiredNode = node.get("requireGroups");
        if (requiredNode != null && !requiredNode.isNull()) {
            requiredGroups = strings(requiredNode, path + ".requireGroups");
            for (String group : requiredGroups) {
                if (!groups.containsKey(group)) {
                    problems.add(path + ".requireGroups: no group '" + group + "' is defined under groups"
                            + didYouMean(group, groups.keySet()));
                }
            }
        }

        Policy.BreakGlass breakGlass = null;
        JsonNode breakNode = node.get("breakGlass");
        if (breakNode != null && !breakNode.isNull()) {
            String p = path + ".breakGlass";
            keys(breakNode, p, Set.of("label", "deployFlag", "reviewWithin"));
            String label = text(breakNode, "label", p + ".label");
            String flag = text(breakNode, "deployFlag", p + ".deployFlag");
            if (label == null && flag == null) {
                problems.add(p + ": say how an emergency is declared: a label, a deployFlag, or both");
            }
            breakGlass = new Policy.BreakGlass(label, flag,
                    duration(breakNode.get("reviewWithin"), p + ".reviewWithin", Duration.ofHours(24)));
        }

        List<Policy.Freeze> freezes = null;
        JsonNode freezeNodes = node.get("freeze");
        if (freezeNodes != null && !freezeNodes.isNull()) {
            freezes = new ArrayList<>();
            if (!freezeNodes.isArray()) {
                problems.add(path + ".freeze: must be a list of windows");
            } else {
                for (int i = 0; i < freezeNodes.size(); i++) {
                    Policy.Freeze freeze = freeze(freezeNodes.get(i), path + ".freeze[" + i + "]");
                    if (freeze != null) {
                        freezes.add(freeze);
                    }
                }
            }
        }

        Policy.DirectPush directPush = null;
        JsonNode pushNode = node.get("directPush");
        if (pushNode != null && !pushNode.isNull()) {
            keys(pushNode, path + ".directPush", Set.of("allow"));
            directPush = new Policy.DirectPush(new HashSet<>(strings(pushNode.get("allow"), path + ".directPush.allow")));
        }
        return new Policy.Rule(match, approvals, checks, owners, requiredGroups, breakGlass, freezes, directPush);
    }

    private Policy.Freeze freeze(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": must be { cron, duration, zone } or { from, until }");
            return null;
        }
        keys(node, path, Set.of("name", "cron", "duration", "zone", "from", "until"));
        String name = text(node, "name", path + ".name");
        String cron = text(node, "cron", path + ".cron");
        if (cron != null) {
            try {
                FreezeCalendar.Cron.parse(cron);
            } catch (IllegalArgumentException e) {
                problems.add(path + ".cron: " + e.getMessage());
            }
            Duration duration = duration(node.get("duration"), path + ".duration", null);
            if (duration == null) {
                problems.add(path + ".duration: a recurring freeze needs a duration, such as 64h");
            }
            ZoneId zone = ZoneId.of("UTC");
            String zoneText = text(node, "zone", path + ".zone");
            if (zoneText != null) {
                try {
                    zone = ZoneId.of(zoneText);
                } catch (DateTimeException e) {
                    problems.add(path + ".zone: not a time zone: '" + zoneText + "' (use a name such as Europe/Copenhagen)");
                }
            }
            return new Policy.Freeze(name, null, null, cron, duration, zone);
        }
        Instant from = instant(node, "from", path);
        Instant until = instant(node, "until", path);
        if (from == null || until == null) {
            problems.add(path + ": a freeze is either recurring (cron, duration, zone) or fixed (from, until)");
            return null;
        }
        if (!until.isAfter(from)) {
            problems.add(path + ".until: must come after from");
        }
        return new Policy.Freeze(name, from, until, null, null, null);
    }

    private Policy.ServiceDef service(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": must be a mapping with name and repository");
            return null;
        }
        keys(node, path, Set.of("name", "repository", "team", "paths", "rollback"));
        String name = text(node, "name", path + ".name");
        String repository = text(node, "repository", path + ".repository");
        if (name == null) {
            problems.add(path + ".name: a service needs a name");
        }
        if (repository == null) {
            problems.add(path + ".repository: the repository the service is built from, such as github:acme/payments");
        }
        Map<String, String> rollback = new LinkedHashMap<>();
        JsonNode rollbackNode = node.get("rollback");
        if (rollbackNode != null && !rollbackNode.isNull()) {
            if (!rollbackNode.isObject()) {
                problems.add(path + ".rollback: must be a mapping with an executor");
            } else {
                rollbackNode.fields().forEachRemaining(e -> rollback.put(e.getKey(),
                        e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
                String executor = rollback.get("executor");
                if (executor == null || !EXECUTORS.contains(executor)) {
                    problems.add(path + ".rollback.executor: must be one of " + new java.util.TreeSet<>(EXECUTORS)
                            + ", got '" + executor + "'");
                    rollback.clear();
                }
            }
        }
        if (name == null || repository == null) {
            return null;
        }
        RollbackTarget target = RollbackTarget.parse(name, repository, rollback, "services[" + name + "].rollback",
                problems::add);
        return new Policy.ServiceDef(name, repository, text(node, "team", path + ".team"),
                strings(node.get("paths"), path + ".paths"), target);
    }

    private void keys(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                problems.add((path.isEmpty() ? "" : path + ".") + key + ": unknown key (expected one of "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            problems.add(path + ": must be a single value");
            return null;
        }
        return value.asText();
    }

    private List<String> strings(JsonNode node, String path) {
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isArray()) {
            problems.add(path + ": must be a list");
            return values;
        }
        node.forEach(v -> {
            if (v.isValueNode() && !v.asText().isBlank()) {
                values.add(v.asText());
            } else {
                problems.add(path + ": every entry must be a non-empty value");
            }
        });
        return values;
    }

    private boolean bool(JsonNode node, String path, boolean defaultValue) {
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            problems.add(path + ": must be true or false, got '" + node.asText() + "'");
            return defaultValue;
        }
        return node.asBoolean();
    }

    private int integer(JsonNode node, String path, int defaultValue, int min, int max) {
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isInt() || node.asInt() < min || node.asInt() > max) {
            problems.add(path + ": must be a whole number from " + min + " to " + max + ", got '" + node.asText() + "'");
            return defaultValue;
        }
        return node.asInt();
    }

    private Duration duration(JsonNode node, String path, Duration defaultValue) {
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        try {
            Duration d = Durations.parse(node.asText());
            if (d.isNegative()) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (RuntimeException e) {
            problems.add(path + ": must be a duration such as 60s, 15m or 24h, got '" + node.asText() + "'");
            return defaultValue;
        }
    }

    private Instant instant(JsonNode node, String field, String path) {
        String text = text(node, field, path + "." + field);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(path + "." + field + ": must be a time with its offset, such as 2026-12-20T00:00:00+01:00");
            return null;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
