package dev.oversight.launcher;

import dev.oversight.runtime.files.LockedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/**
 * An exclusive lock on a data directory ({@code <dir>/.lock}), held for as long as the platform that uses the
 * directory runs. Taken before the embedded broker or Kafka Streams touch anything in it, so a second Oversight on
 * the same directory is refused at once, naming the process that holds it, and the first is left alone.
 *
 * <p>The lock is the operating system's ({@link LockedFile}): it goes with the process, so a process
 * killed with SIGKILL leaves no stale lock behind. The file holds who took it (pid, command, when), for the message
 * the next one prints; the file itself stays.
 */
public final class DataDirectoryLock implements AutoCloseable {

    static final String FILE = ".lock";

    private final Path directory;
    private final LockedFile file;

    private DataDirectoryLock(Path directory, LockedFile file) {
        this.directory = directory;
        this.file = file;
    }

    /**
     * Creates the directory when missing and locks it.
     *
     * @param command what holds the lock, as the next process's message will name it ({@code oversight up})
     * @throws InUse         when another process (or this one) holds it
     * @throws CannotUse     when the directory cannot be created or written
     */
    public static DataDirectoryLock acquire(Path directory, String command) {
        LockedFile.Attempt attempt;
        try {
            attempt = LockedFile.tryLock(directory.resolve(FILE));
        } catch (IOException e) {
            throw new CannotUse(directory, e);
        }
        LockedFile file = attempt.file().orElseThrow(() -> new InUse(directory, holder(attempt.holderText())));
        try {
            Properties who = new Properties();
            who.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
            who.setProperty("started", Instant.now().toString());
            who.setProperty("command", command);
            StringBuilder text = new StringBuilder("# held by the Oversight that uses this directory\n");
            who.stringPropertyNames().stream().sorted()
                    .forEach(k -> text.append(k).append('=').append(who.getProperty(k)).append('\n'));
            file.write(text.toString());
            return new DataDirectoryLock(directory, file);
        } catch (IOException e) {
            file.close();
            throw new CannotUse(directory, e);
        }
    }

    /** Who holds the lock, as the lock file says: {@code pid 1234, started 22:38:08 as 'oversight up'}. */
    private static String holder(String text) {
        try {
            Properties who = new Properties();
            who.load(new java.io.StringReader(text));
            return describe(who);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    static String describe(Properties who) {
        String pid = who.getProperty("pid");
        if (pid == null) {
            return null;
        }
        StringBuilder text = new StringBuilder("pid ").append(pid);
        String started = who.getProperty("started");
        if (started != null) {
            try {
                text.append(", started ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                        .withZone(ZoneId.systemDefault()).format(Instant.parse(started)));
            } catch (DateTimeParseException e) {
                text.append(", started ").append(started);
            }
        }
        String command = who.getProperty("command");
        if (command != null) {
            text.append(" as '").append(command).append('\'');
        }
        return text.toString();
    }

    public Path directory() {
        return directory;
    }

    /** Releases the lock; the file stays (removing it would race with a process about to lock it). */
    @Override
    public void close() {
        file.close();
    }

    /** The directory is locked by another Oversight. The message is the one line a user needs. */
    public static final class InUse extends RuntimeException {
        InUse(Path directory, String holder) {
            super("the data directory " + directory + " is in use by another Oversight ("
                    + (holder == null ? "its process id is not recorded" : holder)
                    + "); stop it, or use --data-dir DIR");
        }
    }

    /** The directory cannot be created, or the lock file written in it. */
    public static final class CannotUse extends RuntimeException {
        CannotUse(Path directory, IOException cause) {
            super("cannot use the data directory " + directory + " (" + why(cause) + "); make it writable, or use "
                    + "--data-dir DIR", cause);
        }

        private static String why(IOException e) {
            if (e instanceof java.nio.file.FileAlreadyExistsException) {
                return e.getMessage() + " is not a directory";
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "permission denied on " + e.getMessage();
            }
            if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
                return fs.getFile() + ": " + fs.getReason();
            }
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }
}
