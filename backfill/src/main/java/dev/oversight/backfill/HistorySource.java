package dev.oversight.backfill;

import java.io.IOException;

/** A source's API read for backfilling: GitHub's, GitLab's. */
public interface HistorySource {

    /** How the source names what is counted, for the lines printed. */
    record Words(String source, String repository, String changes, String reviews, String checks) {
        public static final Words GITHUB = new Words("GitHub", "repository", "pull requests", "reviews", "checks");
        public static final Words GITLAB = new Words("GitLab", "project", "merge requests", "approvals", "pipelines");
    }

    Words words();

    /** Every repository of an organisation (GitHub) or group with its subgroups (GitLab), by full path. */
    java.util.List<String> repositories(String organization) throws IOException, InterruptedException;

    History read(String repository, Period period, Progress progress) throws IOException, InterruptedException;
}
