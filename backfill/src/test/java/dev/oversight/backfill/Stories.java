package dev.oversight.backfill;

import static dev.oversight.backfill.GitHubStory.sha;

import dev.oversight.backfill.GitHubStory.Check;
import dev.oversight.backfill.GitHubStory.Commit;
import dev.oversight.backfill.GitHubStory.Deploy;
import dev.oversight.backfill.GitHubStory.Pull;
import dev.oversight.backfill.GitHubStory.Review;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The stories the tests tell, once. */
public final class Stories {

    private Stories() {}

    /**
     * A quarter of a repository's life, the period starting at {@code since}: an old deploy (099), the deploy before
     * the period (100), a pull request merged long before it (#9), one merged before the period but after deploy 100
     * and reviewed (#1), a self-approved one (#2) shipped by deploy 101 with a passing check, a pull request approved on
     * an earlier head (#3) and a direct push (mallory) shipped by deploy 102 whose check failed.
     */
    public static GitHubStory quarter(String fullName, Instant since) {
        GitHubStory s = new GitHubStory(fullName);
        String p = fullName + "/";
        Instant t = since;
        s.commits.add(new Commit(sha(p + "old"), "alice", t.minus(days(41))));
        s.commits.add(new Commit(sha(p + "m9"), "zoe", t.minus(days(30))));
        s.commits.add(new Commit(sha(p + "s0"), "alice", t.minus(days(20))));
        s.commits.add(new Commit(sha(p + "m1"), "alice", t.minus(days(12))));
        s.commits.add(new Commit(sha(p + "m2"), "carol", t.plus(days(2))));
        s.commits.add(new Commit(sha(p + "m3"), "dave", t.plus(days(5))));
        s.commits.add(new Commit(sha(p + "d4"), "mallory", t.plus(days(5)).plusSeconds(3600)));

        s.deploys.add(new Deploy(99, 1099, sha(p + "old"), "production", "deployer", "success", t.minus(days(40))));
        s.deploys.add(new Deploy(100, 1100, sha(p + "s0"), "production", "deployer", "success", t.minus(days(15))));
        s.deploys.add(new Deploy(101, 1101, sha(p + "m2"), "production", "deployer", "success", t.plus(days(3))));
        s.deploys.add(new Deploy(102, 1102, sha(p + "d4"), "production", "deployer", "success", t.plus(days(6))));

        s.pulls.add(new Pull(9, "Old change", "zoe", sha(p + "h9"), "zoe/old", sha(p + "m9"), t.minus(days(31)),
                t.minus(days(30)), List.of(new Review(91, "alice", "APPROVED", sha(p + "h9"), t.minus(days(31))))));
        s.pulls.add(new Pull(1, "Ledger export", "alice", sha(p + "h1"), "alice/export", sha(p + "m1"),
                t.minus(days(14)), t.minus(days(12)),
                List.of(new Review(11, "bob", "APPROVED", sha(p + "h1"), t.minus(days(13))))));
        s.pulls.add(new Pull(2, "Skip the audit log", "carol", sha(p + "h2"), "carol/skip", sha(p + "m2"),
                t.plus(days(1)), t.plus(days(2)),
                List.of(new Review(21, "carol", "APPROVED", sha(p + "h2"), t.plus(days(1)).plusSeconds(600)))));
        s.pulls.add(new Pull(3, "Faster ledger", "dave", sha(p + "h3b"), "dave/fast", sha(p + "m3"), t.plus(days(3)),
                t.plus(days(5)), List.of(new Review(31, "erin", "APPROVED", sha(p + "h3a"), t.plus(days(4))))));

        s.checks.add(new Check(5001, "build", sha(p + "m2"), "success", t.plus(days(2)).plusSeconds(3600)));
        s.checks.add(new Check(5002, "build", sha(p + "d4"), "failure", t.plus(days(5)).plusSeconds(7200)));
        return s;
    }

    private static Duration days(long n) {
        return Duration.ofDays(n);
    }
}
