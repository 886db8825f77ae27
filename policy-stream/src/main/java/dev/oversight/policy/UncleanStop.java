package dev.oversight.policy;

import dev.oversight.runtime.files.LockedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether the last policy-stream on a state directory stopped cleanly, and what to do when it did not.
 *
 * <p>Under exactly-once, Kafka Streams trusts a task's local stores only if they were closed cleanly: after a crash
 * (kill -9, a lost node) it opens every store of every task, finds no committed offsets, closes them all dirty,
 * wipes them, triggers a rebalance, and only then opens them again empty to restore from the changelogs. Measured on
 * the 2-core machine, that first open-check-wipe round costs about 4 s of the restart (11 stores × 3 tasks). The
 * outcome is known in advance, so when the previous run did not stop cleanly the task directories are removed
 * before Kafka Streams starts: it then restores them from the changelogs at once. The process metadata (Kafka
 * Streams' process id, which names the transactional producer that fences the dead one) and the instance id are
 * kept.
 *
 * <p>The mark is a file in the application's state directory, held under an OS file lock for as long as the service
 * runs (the OS releases it when the process dies), reading {@code running} while the service runs and
 * {@code stopped} once Kafka Streams has closed cleanly. A second process on the same state directory is refused.
 */
final class UncleanStop implements AutoCloseable {

    static final String FILE = "oversight-run-state";
    private static final String RUNNING = "running";
    private static final String STOPPED = "stopped";
    /** Kafka Streams' task directories: {@code <subtopology>_<partition>}, with a named-topology prefix in old versions. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("(?:.+__)?\\d+_\\d+");

    private final LockedFile file;
    private final boolean previousRunCrashed;
    private final Path directory;

    private UncleanStop(Path directory, LockedFile file, boolean previousRunCrashed) {
        this.directory = directory;
        this.file = file;
        this.previousRunCrashed = previousRunCrashed;
    }

    /**
     * Takes the application's state directory for this process and marks it running.
     *
     * @throws IllegalStateException when another process (or another service in this JVM) runs on it
     */
    static UncleanStop acquire(Path applicationStateDir) {
        try {
            LockedFile file = LockedFile.tryLock(applicationStateDir.resolve(FILE)).file()
                    .orElseThrow(() -> new IllegalStateException("another policy-stream is running on the state"
                            + " directory " + applicationStateDir + "; each instance needs a state directory of its"
                            + " own (OVERSIGHT_DATA_DIR)"));
            try {
                boolean crashed = file.read().strip().equals(RUNNING);
                file.write(RUNNING + "\n");
                return new UncleanStop(applicationStateDir, file, crashed);
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark the state directory " + applicationStateDir + " in use", e);
        }
    }

    /** Whether the process that ran on this state directory before stopped without closing Kafka Streams cleanly. */
    boolean previousRunCrashed() {
        return previousRunCrashed;
    }

    /** Removes every task directory (the local stores Kafka Streams would discard); returns their names. */
    List<String> discardTaskState() {
        try (Stream<Path> entries = Files.list(directory)) {
            List<Path> tasks = entries.filter(Files::isDirectory)
                    .filter(p -> TASK_DIRECTORY.matcher(p.getFileName().toString()).matches())
                    .sorted().toList();
            for (Path task : tasks) {
                deleteTree(task);
            }
            return tasks.stream().map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the local state in " + directory, e);
        }
    }

    /** Marks the state directory as cleanly stopped: the next start keeps its stores. */
    void markStopped() {
        try {
            file.write(STOPPED + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark the state directory " + directory + " stopped", e);
        }
    }

    @Override
    public void close() {
        file.close();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
