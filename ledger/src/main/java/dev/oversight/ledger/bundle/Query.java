package dev.oversight.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What an export selects: verdicts decided in [{@code from}, {@code to}) of the environment, service, team and
 * repository given (each null: any; environments in any case), and the actions taken on those verdicts.
 */
public record Query(Instant from, Instant to, String environment, String service, String team, String repository) {

    public static final Query ALL = new Query(null, null, null, null, null, null);

    /** Whether a verdict (its JSON) is selected. */
    public boolean selects(JsonNode verdict) {
        return within(verdict.path("decidedAt").asText(null))
                && (environment == null || environment.equalsIgnoreCase(verdict.path("environment").asText("")))
                && same(service, verdict.path("service")) && same(team, verdict.path("team"))
                && same(repository, verdict.path("repository"));
    }

    private static boolean same(String wanted, JsonNode value) {
        return wanted == null || wanted.equals(value.asText(null));
    }

    private boolean within(String at) {
        if (from == null && to == null) {
            return true;
        }
        try {
            Instant when = Instant.parse(at);
            return (from == null || !when.isBefore(from)) && (to == null || when.isBefore(to));
        } catch (DateTimeParseException | NullPointerException e) {
            return false;
        }
    }
}
