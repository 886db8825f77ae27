package dev.oversight.ingest;

import dev.oversight.events.Evidence;
import java.util.List;

/** What a source's normalizer made of a delivery: evidence to write, or a reason it is deliberately not used. */
public sealed interface Normalized permits Normalized.Accepted, Normalized.Ignored {

    /**
     * @param repository the key of the raw delivery and of every evidence record
     * @param evidence   may be empty: a delivery that is kept as evidence of record but yields no fact (rare)
     */
    record Accepted(String repository, List<Evidence> evidence) implements Normalized {
        public Accepted {
            evidence = List.copyOf(evidence);
        }
    }

    record Ignored(String reason) implements Normalized {}
}
