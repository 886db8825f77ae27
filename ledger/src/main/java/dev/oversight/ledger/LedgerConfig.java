package dev.oversight.ledger;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a writer of a chain signs and keeps its checkpoints.
 *
 * @param keyFile            the Ed25519 key (PEM), made there on first start when it does not exist
 * @param checkpointInterval how often a checkpoint is written for each chain that grew since its last one
 * @param checkpointDir      the second place: a directory of append-only files (a WORM mount, another volume)
 * @param checkpointUrl      or an HTTP endpoint each checkpoint is POSTed to (JSON)
 */
public record LedgerConfig(Path keyFile, Duration checkpointInterval, Optional<Path> checkpointDir,
                           Optional<URI> checkpointUrl) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    /** Where the key is made when none is configured: {@code <data dir>/ledger/ledger-key.pem}. */
    public static Path defaultKeyFile(Path dataDir) {
        return dataDir.resolve("ledger").resolve("ledger-key.pem");
    }
}
