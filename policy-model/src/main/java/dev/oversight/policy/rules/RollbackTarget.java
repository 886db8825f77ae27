package dev.oversight.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * How one service is rolled back: its policy entry {@code services[].rollback}, read and checked once, when the
 * policy file is read, into one type per executor. Every key the executor does not know is a problem: a misspelt
 * key must not silently change a rollback. The worker takes it as it is.
 */
public sealed interface RollbackTarget {

    String executor();

    /** {@code executor: github}: a deployment of the last good commit through the REST API. */
    record GitHub(String owner, String repo, String environment) implements RollbackTarget {
        public String executor() {
            return "github";
        }
    }

    /** {@code executor: argocd}: a sync of the application to the last good revision. */
    record ArgoCd(String application, String appNamespace) implements RollbackTarget {
        public String executor() {
            return "argocd";
        }
    }

    /** {@code executor: webhook}: a signed POST to a deployer of your own. */
    record Webhook(URI url) implements RollbackTarget {
        public String executor() {
            return "webhook";
        }
    }

    /** {@code executor: command}: a program run with the rollback in its environment. */
    record Command(List<String> argv) implements RollbackTarget {
        public Command {
            argv = List.copyOf(argv);
        }

        public String executor() {
            return "command";
        }
    }

    /** {@code executor: none}, or no rollback entry: the service is never rolled back automatically. */
    record None() implements RollbackTarget {
        public String executor() {
            return "none";
        }
    }

    /**
     * Reads a service's rollback entry (its values as text; a list as JSON); each problem goes to {@code problems},
     * prefixed with {@code where}.
     */
    static RollbackTarget parse(String service, String serviceRepository, Map<String, String> entry, String where,
                                Consumer<String> problems) {
        if (entry.isEmpty()) {
            return new None();
        }
        String executor = entry.getOrDefault("executor", "none");
        Set<String> allowed = switch (executor) {
            case "github" -> Set.of("executor", "repository", "environment");
            case "argocd" -> Set.of("executor", "application", "appNamespace");
            case "webhook" -> Set.of("executor", "url");
            case "command" -> Set.of("executor", "argv");
            default -> Set.of("executor");
        };
        for (String key : entry.keySet()) {
            if (!allowed.contains(key)) {
                problems.accept(where + "." + key + ": unknown key for executor " + executor + " (expected one of "
                        + new TreeSet<>(allowed) + ")");
            }
        }
        return switch (executor) {
            case "github" -> github(serviceRepository, entry, where, problems);
            case "argocd" -> new ArgoCd(entry.getOrDefault("application", service), entry.get("appNamespace"));
            case "webhook" -> webhook(entry, where, problems);
            case "command" -> command(entry, where, problems);
            default -> new None();
        };
    }

    private static RollbackTarget github(String serviceRepository, Map<String, String> entry, String where,
                                         Consumer<String> problems) {
        String repository = entry.get("repository");
        if (repository == null && serviceRepository.startsWith("github:")) {
            repository = serviceRepository;
        }
        if (repository == null) {
            problems.accept(where + ".repository: the GitHub repository to deploy, owner/name (the service's repository "
                    + serviceRepository + " is not on GitHub)");
            return new None();
        }
        String name = repository.startsWith("github:") ? repository.substring("github:".length()) : repository;
        String[] parts = name.split("/");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            problems.accept(where + ".repository: must be owner/name, got '" + repository + "'");
            return new None();
        }
        return new GitHub(parts[0], parts[1], entry.get("environment"));
    }

    private static RollbackTarget webhook(Map<String, String> entry, String where, Consumer<String> problems) {
        String url = entry.get("url");
        if (url == null) {
            problems.accept(where + ".url: the deployer's URL that takes the rollback");
            return new None();
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(url, "not http(s)");
            }
            return new Webhook(uri);
        } catch (URISyntaxException e) {
            problems.accept(where + ".url: must be an http:// or https:// URL, got '" + url + "'");
            return new None();
        }
    }

    private static RollbackTarget command(Map<String, String> entry, String where, Consumer<String> problems) {
        String argv = entry.get("argv");
        List<String> args = new ArrayList<>();
        if (argv != null && argv.trim().startsWith("[")) {
            try {
                for (JsonNode arg : Json.mapper().readTree(argv)) {
                    if (!arg.isValueNode() || arg.asText().isEmpty()) {
                        problems.accept(where + ".argv: every argument must be a non-empty value");
                    }
                    args.add(arg.asText());
                }
            } catch (IOException e) {
                problems.accept(where + ".argv: must be a list, such as [/opt/deploy/rollback.sh, --fast]");
            }
        } else if (argv != null && !argv.isBlank()) {
            args.add(argv.trim());
        }
        if (args.isEmpty()) {
            problems.accept(where + ".argv: the command to run, a list such as [/opt/deploy/rollback.sh, --fast]");
            return new None();
        }
        return new Command(args);
    }
}
