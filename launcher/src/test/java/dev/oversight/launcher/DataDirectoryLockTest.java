package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's lock within one process; {@link TwoOversightsIT} takes it from two. */
class DataDirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void aLockedDirectoryIsRefusedNamingItsHolderUntilReleased() {
        Path data = dir.resolve("data");
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data, "oversight up --port 9000")) {
            assertThat(lock.directory()).isEqualTo(data);
            assertThatThrownBy(() -> DataDirectoryLock.acquire(data, "oversight demo"))
                    .isInstanceOf(DataDirectoryLock.InUse.class)
                    .hasMessageMatching("the data directory " + java.util.regex.Pattern.quote(data.toString())
                            + " is in use by another Oversight \\(pid " + ProcessHandle.current().pid()
                            + ", started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d as 'oversight up --port 9000'\\); "
                            + "stop it, or use --data-dir DIR");
        }
        try (DataDirectoryLock again = DataDirectoryLock.acquire(data, "oversight up")) {
            assertThat(again.directory().resolve(DataDirectoryLock.FILE)).content().contains("command=oversight up\n");
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "");
        assertThatThrownBy(() -> DataDirectoryLock.acquire(file, "oversight up"))
                .isInstanceOf(DataDirectoryLock.CannotUse.class)
                .hasMessage("cannot use the data directory " + file + " (" + file + " is not a directory); make it "
                        + "writable, or use --data-dir DIR");
    }
}
