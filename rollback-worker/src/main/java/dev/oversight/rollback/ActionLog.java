package dev.oversight.rollback;

import dev.oversight.events.Action;
import dev.oversight.events.DeadLetter;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topic;
import dev.oversight.rollback.state.Journal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.oversight.ledger.Ledger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes the worker's records and waits for Kafka to acknowledge each one (acks=all): actions on
 * {@code oversight.actions} (then into the journal and the meters), and dead letters on {@code oversight.dlq}.
 * <p>
 * Actions are chained (the ledger): the actions of a verdict read from verdicts partition p go to actions partition
 * p, whose only writer is therefore the instance that owns verdicts partition p. The chain's head is read from the
 * end of that partition when it is first written after a start or an assignment, kept while writes succeed, and read
 * again after a write that failed (it may or may not have been taken), so a restart continues the chain without a
 * fork. An
 * outcome Kafka did not take is kept and written first on the next try, so an outcome that is known is never lost to
 * a broker outage; an intent Kafka did not take is dropped, since nothing is called before it is recorded.
 */
final class ActionLog {

    /** Where a verdict came from, for its dead letters. */
    record Source(String topic, int partition, long offset, String key) {}

    private final Producer<String, byte[]> producer;
    private final Topic<String, Action> actions;
    private final Topic<String, DeadLetter> dlq;
    private final Journal journal;
    private final WorkerMeters meters;
    private final Clock clock;
    private final List<Pending> pending = new ArrayList<>();

    private final Function<Integer, Ledger.Head> readHead;
    private final Map<Integer, Ledger.Head> heads = new HashMap<>();

    private record Pending(Action action, Instant decidedAt, int partition) {}

    ActionLog(Producer<String, byte[]> producer, Topic<String, Action> actions, Topic<String, DeadLetter> dlq,
              Journal journal, WorkerMeters meters, Clock clock, Function<Integer, Ledger.Head> readHead) {
        this.readHead = readHead;
        this.producer = producer;
        this.actions = actions;
        this.dlq = dlq;
        this.journal = journal;
        this.meters = meters;
        this.clock = clock;
    }

    /** Records an action (in the chain of its verdict's partition) and takes it into the journal. */
    void record(Source source, Verdict verdict, Action action) {
        pending.add(new Pending(action, verdict.decidedAt(), source.partition()));
        flush();
    }

    /** Partitions this instance no longer writes: their heads are read again if they come back. */
    void forget(java.util.Collection<Integer> partitions) {
        partitions.forEach(heads::remove);
    }

    /** Writes what an earlier try could not. */
    void flush() {
        while (!pending.isEmpty()) {
            Pending next = pending.get(0);
            int partition = next.partition();
            Action action;
            try {
                action = Ledger.link(next.action()::withLedger, Ledger.chainId(actions.name(), partition),
                        heads.computeIfAbsent(partition, readHead));
                send(new ProducerRecord<>(actions.name(), partition, action.verdictId(),
                        actions.valueSerde().serializer().serialize(actions.name(), action),
                        CloudEventHeaders.write(new RecordHeaders(), action.actionId() + ":"
                                + action.phase().name().toLowerCase(Locale.ROOT), "action.v1",
                                "/oversight/rollback-worker", action.at())), "record " + action.actionId());
            } catch (KafkaException e) {
                heads.remove(partition);
                action = next.action();
                if (!action.phase().isOutcome()) {
                    // An intent not recorded was not acted on: the call never happened, so it is not kept.
                    pending.remove(0);
                }
                throw e;
            }
            pending.remove(0);
            heads.put(partition, Ledger.headOf(action.ledger()));
            if (journal.apply(action) && action.phase().isOutcome()) {
                meters.outcome(action, next.decidedAt() == null ? Duration.ZERO
                        : Duration.between(next.decidedAt(), action.at()));
            }
        }
    }

    /** Sends a failed action (or an unprocessable verdict) to the dead-letter topic under its original key. */
    void deadLetter(Source source, Object what, String error) {
        Instant now = clock.instant();
        DeadLetter letter = new DeadLetter(DeadLetter.SCHEMA, "rollback-worker", source.topic(), source.partition(),
                source.offset(), source.key(), what instanceof String text ? text : Json.toString(what), error, now);
        send(new ProducerRecord<>(dlq.name(), null, source.key(), dlq.valueSerde().serializer().serialize(dlq.name(),
                letter), CloudEventHeaders.write(new RecordHeaders(), source.topic() + "-" + source.partition() + "@"
                + source.offset() + ":" + now.toEpochMilli(), "dead-letter.v1", "/oversight/rollback-worker", now)),
                "send a dead letter");
        meters.deadLetter();
    }

    private void send(ProducerRecord<String, byte[]> record, String what) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot " + what + " on " + record.topic() + ": " + e.getCause(), e.getCause());
        }
    }
}
