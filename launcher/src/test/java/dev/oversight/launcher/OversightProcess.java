package dev.oversight.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code oversight …} in a JVM of its own, as a user runs it ({@link OversightCli} on this build's class path, with
 * Oversight's own logging configuration), in a working directory and an environment of the test's choosing (none of
 * the test's own OVERSIGHT_ or KAFKA_ variables). Its output is kept line by line with the time each line came, so
 * a test can wait for one.
 */
final class OversightProcess implements AutoCloseable {

    /** One line of output: on stdout or stderr, and when, from the process's start. */
    record Line(boolean stderr, Duration at, String text) {
        @Override
        public String toString() {
            return (stderr ? "err " : "out ") + String.format("%6.1f s  ", at.toMillis() / 1000.0) + text;
        }
    }

    private final Process process;
    private final long started = System.nanoTime();
    private final List<Line> lines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    private OversightProcess(Process process) {
        this.process = process;
        readers.add(reader(process.getInputStream(), false));
        readers.add(reader(process.getErrorStream(), true));
    }

    /**
     * @param jvmOptions options of the JVM itself (such as {@code -Djava.io.tmpdir=…})
     */
    static OversightProcess start(Path workingDirectory, Map<String, String> env, List<String> jvmOptions,
                                  String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        // As a user runs it: with Oversight's own logging, not the tests' (kafka-test-support's log4j2-test.xml).
        command.add("-Dlog4j2.configurationFile=log4j2.xml");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OversightCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OVERSIGHT_") || k.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        return new OversightProcess(builder.start());
    }

    static OversightProcess start(Path workingDirectory, Map<String, String> env, String... args) throws IOException {
        return start(workingDirectory, env, List.of(), args);
    }

    private Thread reader(InputStream stream, boolean stderr) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String text;
                while ((text = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(new Line(stderr, Duration.ofNanos(System.nanoTime() - started), text));
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process is gone.
            }
        }, "oversight-process-" + (stderr ? "err" : "out"));
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    long pid() {
        return process.pid();
    }

    /** Every line so far. */
    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Everything printed so far, both streams, as one text (for assertion messages). */
    String output() {
        return String.join("\n", lines().stream().map(Line::toString).toList());
    }

    /** Waits for a line that satisfies the condition; fails with the whole output when none comes in time. */
    Line await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (Line line : lines) {
                    if (wanted.test(line.text())) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such line in " + timeout + "; the output was:\n" + output());
                }
                if (!process.isAlive() && readers.stream().noneMatch(Thread::isAlive)) {
                    throw new AssertionError("the process ended (" + process.exitValue() + ") without such a line; "
                            + "its output was:\n" + output());
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
            }
        }
    }

    /** Waits for the process to end; its exit status, all its output read. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; the output was:\n" + output());
        }
        for (Thread reader : readers) {
            reader.join(10_000);
        }
        return process.exitValue();
    }

    /** How long the process has run, or ran. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * SIGTERM, as a service manager stops it; what it prints while stopping is still read ({@link Process#destroy}
     * would close the pipes first, and lose it).
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Ends it however it must: SIGTERM, then SIGKILL. For clean-up after a failed test. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
