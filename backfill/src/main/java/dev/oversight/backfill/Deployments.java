package dev.oversight.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.backfill.http.RestClient;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The deployments a backfill reads from a source's list of them (newest first): those created in the period, and,
 * per environment, those created before it, among which the previous deploy is looked for.
 *
 * @param before per environment, the deployments created before the period (at most {@link #PREVIOUS_SEARCH} read)
 */
public record Deployments(List<JsonNode> inPeriod, Map<String, List<JsonNode>> before,
                          Function<JsonNode, String> environmentOf) {

    /** How many deployments before the period are looked at for the previous deploy of an environment. */
    public static final int PREVIOUS_SEARCH = 50;

    /**
     * Reads the list for each environment of the period (once for all when it names none).
     *
     * @param list          the list's address for an environment; null: of every environment
     * @param environmentOf the name of a deployment's environment, as the source gives it
     */
    public static Deployments read(RestClient api, Function<String, URI> list, Function<JsonNode, String> environmentOf,
                                   Period period) throws IOException, InterruptedException {
        List<JsonNode> inPeriod = new ArrayList<>();
        Map<String, List<JsonNode>> before = new HashMap<>();
        for (String environment : period.environments().isEmpty() ? Collections.<String>singletonList(null)
                : period.environments()) {
            api.pages(list.apply(environment), page -> {
                boolean older = false;
                for (JsonNode deployment : page) {
                    java.time.Instant created = HistorySource.instant(deployment, "created_at");
                    String env = environmentOf.apply(deployment);
                    if (!period.environment(env) || created == null) {
                        continue;
                    }
                    if (period.contains(created)) {
                        inPeriod.add(deployment);
                    } else if (created.isBefore(period.since())) {
                        before.computeIfAbsent(env, e -> new ArrayList<>()).add(deployment);
                        older = true;
                    }
                }
                // Newest first: once pages reach before the period, a few dozen older ones are enough to find the
                // previous deploy of each environment.
                return !older || before.values().stream().mapToInt(List::size).sum() < PREVIOUS_SEARCH;
            });
        }
        return new Deployments(inPeriod, before, environmentOf);
    }

    /** The environments deployed to in the period, in the order first seen. */
    public Set<String> environments() {
        Set<String> environments = new LinkedHashSet<>();
        inPeriod.forEach(d -> environments.add(environmentOf.apply(d)));
        return environments;
    }

    /** The deployments of an environment created before the period, newest first. */
    public List<JsonNode> candidates(String environment) {
        return before.getOrDefault(environment, List.of()).stream()
                .sorted(Comparator.comparing((JsonNode d) -> HistorySource.instant(d, "created_at")).reversed())
                .limit(PREVIOUS_SEARCH).toList();
    }
}
