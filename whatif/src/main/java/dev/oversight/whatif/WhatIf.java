package dev.oversight.whatif;

import dev.oversight.events.kafka.Topics;
import dev.oversight.policy.rules.Policy;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What another policy would have decided on the stored history: the evidence of the period (and its lead-in)
 * replayed through policy-stream's production topology with that policy, in this process, compared deploy by deploy
 * with the verdicts recorded on the verdicts topic. Reads only: nothing is written to Kafka, no consumer group is
 * joined, no offset committed, nothing alerted or rolled back.
 */
public final class WhatIf {

    /** How far before the period the recorded verdicts are read: a deploy's verdicts are written after it is read. */
    private static final Duration VERDICT_MARGIN = Duration.ofHours(1);

    /** Told how many records were read of how many, while reading. */
    public interface Progress {
        void update(long read, long total);

        Progress NONE = (read, total) -> { };
    }

    /**
     * A run's outcome.
     *
     * @param asOf             every topic was read up to its end at this time, and the replay's clock ended there
     * @param evidenceRecords  evidence records replayed
     * @param failedRecords    of those, records the topology could not read or process (dead letters)
     * @param ends             every topic's end offset when the run started (what a test compares after)
     */
    public record Run(Policy policy, Scope scope, Instant asOf, long evidenceRecords, long failedRecords,
                      Comparison.Result result, Duration took, Map<TopicPartition, Long> ends) {

        /** 0 nothing flips to a violation; 1 something does. */
        public int exitCode() {
            return result.anyToViolation() ? 1 : 0;
        }
    }

    private WhatIf() {}

    /**
     * @param retention policy-stream's state retention (how long it keeps what it has read)
     */
    public static Run run(KafkaConnection kafka, Policy policy, Scope scope, Duration retention, Progress progress) {
        long started = System.nanoTime();
        List<String> evidence = List.of(kafka.topic(Topics.REVIEWS).name(), kafka.topic(Topics.CI).name(),
                kafka.topic(Topics.DEPLOYS).name());
        try (History history = History.open(kafka.common("oversight-whatif"), evidence,
                kafka.topic(Topics.VERDICTS).name())) {
            Instant verdictsFrom = scope.from().minus(VERDICT_MARGIN);
            long total = history.size(scope.replayFrom(), verdictsFrom);
            long[] read = {0};
            Runnable tick = () -> {
                if (++read[0] % 1_000 == 0) {
                    progress.update(read[0], total);
                }
            };
            Outcome.Collector recorded = new Outcome.Collector();
            history.verdicts(verdictsFrom, recorded::add, tick);
            Map<String, Outcome> replayed;
            long records;
            long failed;
            try (Replay replay = new Replay(topic -> kafka.topic(topic).name(), policy, retention,
                    scope.replayFrom())) {
                history.evidence(scope.replayFrom(), scope.repository(), replay::accept, tick);
                replayed = replay.finish(history.asOf());
                progress.update(total, total);
                records = replay.records();
                failed = replay.failed();
                Comparison.Result result = Comparison.compare(scope, recorded.outcomes(), replayed, replay.deploys(),
                        (repository, deployedAt) -> history.incomplete(repository,
                                deployedAt.minus(scope.leadIn())));
                return new Run(policy, scope, history.asOf(), records, failed, result,
                        Duration.ofNanos(System.nanoTime() - started), history.ends());
            }
        }
    }
}
