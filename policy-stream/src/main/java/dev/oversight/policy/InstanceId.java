package dev.oversight.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The stable identity of a policy-stream instance: its group membership id (static membership). One per state
 * directory, made on first start and kept there, so an instance restarted on its own state is recognised as itself,
 * and two instances on two state directories are never taken for one another.
 */
final class InstanceId {

    static final String FILE = "oversight-instance-id";

    private InstanceId() {}

    static String of(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(stateDir);
            String id = "policy-stream-" + UUID.randomUUID();
            Path temp = Files.createTempFile(stateDir, FILE, ".tmp");
            Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep policy-stream's instance id in " + file, e);
        }
    }
}
