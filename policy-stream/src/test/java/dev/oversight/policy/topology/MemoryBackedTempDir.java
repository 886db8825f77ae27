package dev.oversight.policy.topology;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A {@code @TempDir} in memory ({@code /dev/shm}) where the machine has one, else in the default temporary directory.
 * A topology test's state stores are RocksDB databases, and opening, syncing and deleting a dozen of them per run on
 * a disk shared with other builds costs most of a run; tests that run a topology hundreds of times keep them in
 * memory.
 */
final class MemoryBackedTempDir implements TempDirFactory {

    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    @Override
    public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
            throws Exception {
        if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY)) {
            return Files.createTempDirectory(SHARED_MEMORY, "oversight-test-");
        }
        return Files.createTempDirectory("oversight-test-");
    }
}
