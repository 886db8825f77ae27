package dev.oversight.backfill;

import java.time.Instant;
import java.util.List;

/**
 * What a backfill reads: deploys from {@code since} (included) to {@code until} (excluded), to the environments
 * named (all when none is), and everything those deploys are judged on.
 */
public record Period(Instant since, Instant until, List<String> environments) {

    public Period {
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("--since must be before --until");
        }
        environments = List.copyOf(environments);
    }

    public boolean contains(Instant time) {
        return time != null && !time.isBefore(since) && time.isBefore(until);
    }

    public boolean environment(String name) {
        return environments.isEmpty() || environments.contains(name);
    }
}
