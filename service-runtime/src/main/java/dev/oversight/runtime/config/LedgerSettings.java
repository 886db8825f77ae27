package dev.oversight.runtime.config;

import dev.oversight.ledger.LedgerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The ledger's settings, read by policy-stream and rollback-worker, which chain what they write (ledger/README.md). */
public final class LedgerSettings {

    public static final Setting<Optional<String>> KEY_FILE = Setting.optional("OVERSIGHT_LEDGER_KEY_FILE",
            "Ed25519 key that signs ledger checkpoints (PEM: PRIVATE KEY and PUBLIC KEY blocks); default"
                    + " <data dir>/ledger/ledger-key.pem, made on first start");
    public static final Setting<Duration> CHECKPOINT_INTERVAL = Setting.duration(
            "OVERSIGHT_LEDGER_CHECKPOINT_INTERVAL", LedgerConfig.DEFAULT_INTERVAL, Duration.ofSeconds(1),
            Duration.ofDays(1), "how often each chain that grew is checkpointed (and at shutdown)");
    public static final Setting<Optional<String>> CHECKPOINT_DIR = Setting.optional("OVERSIGHT_LEDGER_CHECKPOINT_DIR",
            "directory of append-only files that also receives every checkpoint (a WORM mount, another volume)");
    public static final Setting<Optional<URI>> CHECKPOINT_URL = Setting.url("OVERSIGHT_LEDGER_CHECKPOINT_URL",
            "HTTP endpoint that also receives every checkpoint (JSON POST), when no directory is set");

    public static final List<Setting<?>> KEYS = List.of(KEY_FILE, CHECKPOINT_INTERVAL, CHECKPOINT_DIR, CHECKPOINT_URL);

    private LedgerSettings() {}

    public static LedgerConfig read(ConfigReader config) {
        Path dataDir = config.get(CommonSettings.DATA_DIR);
        return new LedgerConfig(config.get(KEY_FILE).map(Path::of).orElseGet(() -> LedgerConfig.defaultKeyFile(dataDir)),
                config.get(CHECKPOINT_INTERVAL), config.get(CHECKPOINT_DIR).map(Path::of), config.get(CHECKPOINT_URL));
    }
}
