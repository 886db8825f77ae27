package dev.oversight.backfill.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The answers read before, with their {@code ETag}, so that asking again (a resumed or repeated backfill) is a
 * conditional request: GitHub answers an unchanged resource 304 and does not count it against the rate limit. One
 * file per address under a directory of the data directory; {@link #none()} keeps nothing (a dry run).
 */
public final class ResponseCache {

    /** An answer and its entity tag. */
    public record Entry(String etag, byte[] body) {}

    private final Path dir;

    private ResponseCache(Path dir) {
        this.dir = dir;
    }

    public static ResponseCache in(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new ResponseCache(dir);
    }

    public static ResponseCache none() {
        return new ResponseCache(null);
    }

    Optional<Entry> get(URI uri) {
        if (dir == null) {
            return Optional.empty();
        }
        Path file = file(uri);
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            byte[] all = Files.readAllBytes(file);
            int nl = indexOf(all, (byte) '\n');
            if (nl < 0) {
                return Optional.empty();
            }
            String etag = new String(all, 0, nl, StandardCharsets.UTF_8);
            byte[] body = java.util.Arrays.copyOfRange(all, nl + 1, all.length);
            return Optional.of(new Entry(etag, body));
        } catch (IOException e) {
            return Optional.empty(); // a cache that cannot be read is asked again, unconditionally
        }
    }

    void put(URI uri, String etag, byte[] body) {
        if (dir == null || etag.indexOf('\n') >= 0) {
            return;
        }
        Path file = file(uri);
        try {
            Path tmp = Files.createTempFile(dir, "answer", ".tmp");
            byte[] head = (etag + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            Files.write(tmp, all);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the API's answer in " + dir, e);
        }
    }

    private Path file(URI uri) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(uri.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
