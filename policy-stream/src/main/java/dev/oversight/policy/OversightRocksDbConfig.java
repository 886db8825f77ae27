package dev.oversight.policy;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB settings for policy-stream's stores. Most lookups are of keys that are not there (the first check of a
 * commit, a change seen for the first time): a bloom filter on the memtable answers those without searching it.
 * Kafka Streams already puts bloom filters on the table files.
 */
public final class OversightRocksDbConfig implements RocksDBConfigSetter {

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        options.setMemtablePrefixBloomSizeRatio(0.1);
        options.setMemtableWholeKeyFiltering(true);
    }

    @Override
    public void close(String storeName, Options options) {
        // Nothing allocated here that RocksDB does not own.
    }
}
