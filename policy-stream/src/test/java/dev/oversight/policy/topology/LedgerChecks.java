package dev.oversight.policy.topology;

import dev.oversight.ledger.LedgerKey;
import dev.oversight.ledger.Report;
import dev.oversight.ledger.Verifier;
import dev.oversight.ledger.kafka.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** The verdicts' chains as they are on the broker, checked by the ledger's verifier. */
final class LedgerChecks {

    private LedgerChecks() {}

    /**
     * @param live    true: records after the last checkpoint are only noted
     * @param keyFiles the ledger keys of the instances that ran (those that exist)
     */
    static Report verdicts(String bootstrap, String prefix, boolean live, Path... keyFiles) {
        Map<String, Object> common = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<Verifier.Entry> records = new ArrayList<>();
        String verdicts = prefix + "verdicts";
        TopicReader.read(common, verdicts, n -> { }).values().forEach(list -> list.forEach(
                s -> records.add(new Verifier.Entry(s.where(verdicts), s.value()))));
        List<Verifier.Entry> checkpoints = new ArrayList<>();
        String topic = prefix + "checkpoints";
        TopicReader.read(common, topic, n -> { }).values().forEach(list -> list.forEach(
                s -> checkpoints.add(new Verifier.Entry(s.where(topic), s.value()))));
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : keyFiles) {
            if (Files.isRegularFile(file)) {
                keys.add(LedgerKey.read(file).publicKey());
            }
        }
        return new Verifier(keys, live).verify(records, checkpoints);
    }
}
