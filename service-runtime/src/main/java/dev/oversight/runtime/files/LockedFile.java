package dev.oversight.runtime.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A small file held under the operating system's exclusive lock ({@link FileChannel#tryLock()}) for as long as this
 * process keeps it: the lock goes with the process, so one killed with SIGKILL leaves no stale lock, while what it
 * wrote in the file stays for the next one to read. What locks a data or state directory is built on it.
 */
public final class LockedFile implements AutoCloseable {

    private static final int MAX_READ = 64 * 1024;

    private final FileChannel channel;
    private final FileLock lock;

    private LockedFile(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the file (and its directory) when missing and locks it.
     *
     * @return empty, with the holder's text, when another process — or another holder in this one — has it
     */
    public static Attempt tryLock(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = read(channel);
                channel.close();
                return new Attempt(Optional.empty(), holder);
            }
            return new Attempt(Optional.of(new LockedFile(channel, lock)), null);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The outcome of {@link #tryLock}: the file when locked, else what its holder wrote in it. */
    public record Attempt(Optional<LockedFile> file, String holderText) {}

    /** What the file holds (its first 64 KiB), as UTF-8. */
    public String read() throws IOException {
        return read(channel);
    }

    /** Replaces what the file holds, durably (forced to disk before returning). */
    public void write(String text) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
    }

    /** Releases the lock; the file stays (removing it would race with a process about to lock it). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // The channel's close below releases it too.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing is left to release.
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), MAX_READ));
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
}
