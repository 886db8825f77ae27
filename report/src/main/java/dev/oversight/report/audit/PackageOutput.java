package dev.oversight.report.audit;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Where the files of an audit package go, one at a time: a directory ({@code oversight report --out DIR}) or a zip
 * stream (the HTTP download). Each file's size and SHA-256 are taken as it is written, for the manifest.
 */
public abstract class PackageOutput implements AutoCloseable {

    /** A file written: its name in the package (with '/' between folders), size and SHA-256 (lowercase hex). */
    public record Written(String name, long bytes, String sha256) {}

    private final List<Written> written = new ArrayList<>();
    private boolean open;

    /** A directory, created when missing; files in it are replaced. */
    public static PackageOutput directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new PackageOutput() {
            @Override
            OutputStream begin(String name) throws IOException {
                Path file = dir.resolve(name);
                Files.createDirectories(file.getParent());
                return new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            }

            @Override
            void end(OutputStream out) throws IOException {
                out.close();
            }

            @Override
            public void close() {}
        };
    }

    /** A zip archive written to {@code out} as the files come, each under {@code folder/}; closing finishes it. */
    public static PackageOutput zip(OutputStream out, String folder) {
        ZipOutputStream zip = new ZipOutputStream(out);
        return new PackageOutput() {
            @Override
            OutputStream begin(String name) throws IOException {
                zip.putNextEntry(new ZipEntry(folder + "/" + name));
                return zip;
            }

            @Override
            void end(OutputStream stream) throws IOException {
                zip.closeEntry();
            }

            @Override
            public void close() throws IOException {
                zip.finish();
                zip.flush();
            }
        };
    }

    abstract OutputStream begin(String name) throws IOException;

    abstract void end(OutputStream out) throws IOException;

    @Override
    public abstract void close() throws IOException;

    /**
     * A new file of the package; close the stream to finish it (closing again does nothing). One file at a time.
     */
    public OutputStream file(String name) throws IOException {
        if (open) {
            throw new IllegalStateException("a file of the package is still open while " + name + " begins");
        }
        open = true;
        OutputStream target = begin(name);
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new FilterOutputStream(new DigestOutputStream(target, sha256)) {
            private long bytes;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                bytes++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                bytes += len;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                out.flush();
                end(target);
                written.add(new Written(name, bytes, HexFormat.of().formatHex(sha256.digest())));
                open = false;
            }
        };
    }

    /** The files written so far, in order. */
    public List<Written> written() {
        return List.copyOf(written);
    }
}
