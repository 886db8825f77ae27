package dev.oversight.backfill;

import java.io.IOException;

/** A source's API read for backfilling: GitHub's, GitLab's. */
public interface HistorySource {

    /**
     * How the source names what is counted, for the lines printed.
     *
     * @param missing how a line about what could not be imported starts
     */
    record Words(String missing, String changes, String reviews, String checks) {
        public static final Words GITHUB = new Words("no longer on GitHub", "pull requests", "reviews", "checks");
        public static final Words GITLAB = new Words("not known from GitLab", "merge requests", "approvals",
                "pipelines");
    }

    Words words();

    /** Every repository of an organisation (GitHub) or group with its subgroups (GitLab), by full path. */
    java.util.List<String> repositories(String organization) throws IOException, InterruptedException;

    History read(String repository, Period period, Progress progress) throws IOException, InterruptedException;
}
