package dev.oversight.backfill;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** How far the reading of each repository is: units of work (a deploy, a pull request, a deployed commit) done. */
public interface Progress {

    void update(String repository, long done, long total);

    /** The repository is read and written; {@code line} says what came of it. */
    void finished(String repository, String line);

    Progress NONE = new Progress() {
        public void update(String repository, long done, long total) { }

        public void finished(String repository, String line) { }
    };

    /**
     * A bar per repository on stderr with the time left, estimated from the rate so far: redrawn in place on a
     * terminal ({@code acme/payments [#######-------] 52% 312 of 600, about 2 min left}), a line at each tenth
     * otherwise.
     */
    final class Console implements Progress {
        private static final int WIDTH = 24;
        private final PrintStream err;
        private final boolean terminal;
        private String repository;
        private long started;
        private long lastDraw;
        private int lastTenth = -1;
        private long lastTotal;

        public Console(PrintStream err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public synchronized void update(String repository, long done, long total) {
            long now = System.nanoTime();
            if (!repository.equals(this.repository)) {
                this.repository = repository;
                started = now;
                lastTenth = -1;
            }
            if (total != lastTotal) {
                lastTotal = total; // more work was found: the tenths count again
                lastTenth = -1;
            }
            int percent = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
            if (terminal) {
                if (now - lastDraw < 200_000_000L && done < total) {
                    return;
                }
                lastDraw = now;
                err.print("\r" + bar(repository, done, total, Duration.ofNanos(now - started)) + "   ");
            } else if (percent / 10 > lastTenth) {
                lastTenth = percent / 10;
                err.println(bar(repository, done, total, Duration.ofNanos(now - started)));
            }
        }

        @Override
        public synchronized void finished(String repository, String line) {
            if (terminal) {
                err.print("\r");
            }
            err.println(line + " ".repeat(terminal ? 20 : 0));
        }

        /** {@code acme/payments [#####-----] 52% 312 of 600, about 2 min left} */
        static String bar(String repository, long done, long total, Duration elapsed) {
            int percent = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
            int filled = percent * WIDTH / 100;
            String left = done == 0 || done >= total ? "" : ", about " + human(
                    Duration.ofMillis(elapsed.toMillis() * (total - done) / done)) + " left";
            return String.format(Locale.ROOT, "%s [%s%s] %3d%% %d of %d%s", repository, "#".repeat(filled),
                    "-".repeat(WIDTH - filled), percent, done, total, left);
        }

        static String human(Duration d) {
            long s = d.toSeconds();
            if (s < 60) {
                return s + " s";
            }
            if (s < 3600) {
                return (s + 30) / 60 + " min";
            }
            return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
        }
    }
}
