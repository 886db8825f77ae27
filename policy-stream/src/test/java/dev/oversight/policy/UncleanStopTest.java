package dev.oversight.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UncleanStopTest {

    @TempDir
    Path dir;

    private void taskState(String task) throws Exception {
        Files.createDirectories(dir.resolve(task).resolve("rocksdb").resolve("changes"));
        Files.writeString(dir.resolve(task).resolve("rocksdb").resolve("changes").resolve("000001.sst"), "data");
    }

    @Test
    void aFirstStartIsNotACrash() {
        try (UncleanStop run = UncleanStop.acquire(dir)) {
            assertThat(run.previousRunCrashed()).isFalse();
        }
    }

    @Test
    void aRunThatEndedWithoutACleanCloseIsACrashAndItsTaskStateIsDiscarded() throws Exception {
        UncleanStop first = UncleanStop.acquire(dir);
        taskState("0_0");
        taskState("0_2");
        Files.writeString(dir.resolve("kafka-streams-process-metadata"), "{\"processId\":\"x\"}");
        first.close(); // what the OS does for a killed process: the lock goes, the mark stays "running"

        try (UncleanStop second = UncleanStop.acquire(dir)) {
            assertThat(second.previousRunCrashed()).isTrue();
            assertThat(second.discardTaskState()).containsExactly("0_0", "0_2");
            assertThat(dir.resolve("0_0")).doesNotExist();
            assertThat(dir.resolve("0_2")).doesNotExist();
            assertThat(dir.resolve("kafka-streams-process-metadata")).exists();
            second.markStopped();
        }
        try (UncleanStop third = UncleanStop.acquire(dir)) {
            assertThat(third.previousRunCrashed()).as("the run before stopped cleanly").isFalse();
        }
    }

    @Test
    void aCleanStopKeepsTheStores() throws Exception {
        try (UncleanStop first = UncleanStop.acquire(dir)) {
            taskState("0_1");
            first.markStopped();
        }
        try (UncleanStop second = UncleanStop.acquire(dir)) {
            assertThat(second.previousRunCrashed()).isFalse();
        }
        assertThat(dir.resolve("0_1").resolve("rocksdb")).exists();
    }

    @Test
    void aSecondInstanceOnTheSameStateDirectoryIsRefused() {
        try (UncleanStop first = UncleanStop.acquire(dir)) {
            assertThatThrownBy(() -> UncleanStop.acquire(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another policy-stream is running on the state directory");
            assertThat(first.previousRunCrashed()).isFalse();
        }
    }
}
