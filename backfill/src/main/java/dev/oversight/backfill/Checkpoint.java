package dev.oversight.backfill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a backfill stands, in a file of the data directory, appended to (and forced to disk) after each batch that
 * Kafka committed: {@code written <delivery id>} for each fact written, {@code done <repository>} for each
 * repository finished. {@code --resume} reads it and writes neither again.
 */
public final class Checkpoint implements AutoCloseable {

    private final Path file;
    private final Set<String> written = new HashSet<>();
    private final Set<String> done = new HashSet<>();
    private FileChannel channel;

    private Checkpoint(Path file) {
        this.file = file;
    }

    /** Reads the checkpoint at {@code file}, if there is one. */
    public static Checkpoint at(Path file) throws IOException {
        Checkpoint checkpoint = new Checkpoint(file);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("written ")) {
                    checkpoint.written.add(line.substring("written ".length()));
                } else if (line.startsWith("done ")) {
                    checkpoint.done.add(line.substring("done ".length()));
                }
            }
        }
        return checkpoint;
    }

    public Path file() {
        return file;
    }

    /** Whether anything was recorded: an earlier backfill of the same request ran. */
    public boolean started() {
        return !written.isEmpty() || !done.isEmpty();
    }

    public boolean written(String deliveryId) {
        return written.contains(deliveryId);
    }

    public int writtenCount() {
        return written.size();
    }

    public boolean done(String repository) {
        return done.contains(repository);
    }

    /** Facts committed to Kafka by an earlier run whose checkpoint did not get to say so (read from their receipts). */
    public void alsoWritten(Collection<String> deliveryIds) {
        written.addAll(deliveryIds);
    }

    public void markWritten(List<String> deliveryIds) throws IOException {
        StringBuilder lines = new StringBuilder();
        deliveryIds.forEach(id -> lines.append("written ").append(id).append('\n'));
        append(lines.toString());
        written.addAll(deliveryIds);
    }

    public void markDone(String repository) throws IOException {
        append("done " + repository + "\n");
        done.add(repository);
    }

    private void append(String text) throws IOException {
        if (channel == null) {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
