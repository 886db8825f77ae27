package dev.oversight.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one definition of a valid evidence record: what ingest checks before it writes one, and what every reader of
 * the evidence topics (policy-stream, with its JSON topic serde and its Smile state stores) relies on.
 * {@link #check(Evidence)} lists every problem of a record, each with the path of its field; a record without
 * problems is valid. The rules, in the order they are checked:
 *
 * <ol>
 *   <li>{@code schema} is {@link Evidence#SCHEMA}; {@code source} is present.</li>
 *   <li>Times ({@code occurredAt}) are present and within {@link #EARLIEST} .. {@link #LATEST}: years 1970 to 9999,
 *       which every reader parses ({@code +1000000000-01-01T00:00:00Z} is a Java {@code Instant} that policy-stream
 *       cannot read back).</li>
 *   <li>Every string is well-formed UTF-16: no lone surrogate, which no UTF-8 writer can encode (the Smile state
 *       stores refuse it).</li>
 *   <li>Ids and names (repository, delivery, change, review, run, deploy and artifact ids, branches, refs,
 *       environments, services, check names, labels, flags) are non-blank, at most {@link #MAX_ID} characters and hold
 *       no control character: policy-stream joins them with U+001F in its store keys.</li>
 *   <li>Every {@link Actor} present has a login that is non-blank, without surrounding white space, without control
 *       characters and at most {@link #MAX_LOGIN} characters: a blank or padded login is not the account of anyone,
 *       and would count as a reviewer other than the author. An approval, and its withdrawal, names its reviewer.</li>
 *   <li>Every commit sha present is 40 or 64 hexadecimal characters (SHA-1 or SHA-256 object names); a push's
 *       {@code before} and {@code after} and each of its commits' shas are required.</li>
 *   <li>Free text (titles, commit messages, descriptions) is at most {@link #MAX_TEXT} characters (ingest clips it
 *       with {@link #clip}); URLs at most {@link #MAX_URL}; file paths non-empty and at most {@link #MAX_PATH}.</li>
 *   <li>Lists are bounded: at most {@link #MAX_LABELS} labels, {@link #MAX_FLAGS} flags, {@link #MAX_COMMITS} commits
 *       in a push, and {@link #MAX_PATHS} distinct paths in a push (policy-stream keeps no more of one), each list of
 *       paths at most that long.</li>
 *   <li>Counters: a change number is not negative; a CI attempt is at least 1.</li>
 *   <li>The whole record fits in a topic's record: at most {@link #MAX_RECORD_BYTES} as JSON.</li>
 *   <li>What each kind needs: change: action and change id; review: change id, review id and state; push: branch;
 *       ci: name, system, run id and status; artifact: artifact id; deploy: deploy id, environment and state.</li>
 * </ol>
 *
 * <p>What is optional stays optional (a CDEvents result without a commit, a GitLab change without a known author);
 * what is present must be well-formed.
 */
public final class EvidenceRules {

    /** The earliest time a record may carry: 1970-01-01T00:00:00Z. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** The latest time a record may carry: the end of year 9999, the last a four-digit year can write. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** Ids and names: a GitLab path of nested groups, a Jenkins job URL and a phase fit many times over. */
    public static final int MAX_ID = 1024;
    /** Logins: GitHub allows 39 characters, GitLab 255. */
    public static final int MAX_LOGIN = 255;
    /** Titles, commit message lines, descriptions. */
    public static final int MAX_TEXT = 4096;
    public static final int MAX_URL = 8192;
    /** File paths (Linux' PATH_MAX). */
    public static final int MAX_PATH = 4096;
    /** Labels of a change: GitHub allows 100 per pull request. */
    public static final int MAX_LABELS = 1000;
    /** Flags of a deploy (payload keys whose value is true). */
    public static final int MAX_FLAGS = 1000;
    /** Commits of a push: GitHub sends at most 2,048, GitLab 20. */
    public static final int MAX_COMMITS = 2048;
    /** Distinct paths of a push, and entries of each path list: policy-stream keeps 5,000 files of a push. */
    public static final int MAX_PATHS = 5000;
    /**
     * A record as JSON, at most: 900 KiB, within the 1 MiB a topic takes by default (Kafka counts it compressed, but
     * text that does not shrink is as large; a record over the limit could never be written, and every retry of its
     * delivery would fail the same). Reckoned from its strings, as the most bytes each can take in JSON (a control
     * character escaped as {@code \u0000}: six bytes).
     */
    public static final int MAX_RECORD_BYTES = 900 * 1024;

    private EvidenceRules() {}

    /** One thing wrong with a record: the path of its field ({@code reviewer.login}, {@code commits[2].sha}), what. */
    public record Problem(String field, String problem) {
        @Override
        public String toString() {
            return field + " " + problem;
        }
    }

    /** Every problem of the record, in field order; empty when it is valid. */
    public static List<Problem> check(Evidence evidence) {
        Checker c = new Checker();
        if (evidence == null) {
            c.add("record", "is missing");
            return c.problems;
        }
        if (evidence.schema() != Evidence.SCHEMA) {
            c.add("schema", "is " + evidence.schema() + ", not " + Evidence.SCHEMA);
        }
        c.present("source", evidence.source());
        c.id("repository", evidence.repository(), true);
        c.id("deliveryId", evidence.deliveryId(), true);
        c.time("occurredAt", evidence.occurredAt());
        evidence.accept(new Evidence.Visitor<Void>() {
            public Void change(ChangeEvent e) {
                c.present("action", e.action());
                c.id("changeId", e.changeId(), true);
                c.notNegative("number", e.number());
                c.text("title", e.title());
                c.url("url", e.url());
                c.actor("author", e.author(), false);
                c.actor("actor", e.actor(), false);
                c.sha("headSha", e.headSha(), false);
                c.sha("previousHeadSha", e.previousHeadSha(), false);
                c.id("headBranch", e.headBranch(), false);
                c.id("baseBranch", e.baseBranch(), false);
                c.sha("mergeSha", e.mergeSha(), false);
                c.actor("mergedBy", e.mergedBy(), false);
                c.ids("labels", e.labels(), MAX_LABELS);
                return null;
            }

            public Void review(ReviewEvent e) {
                c.id("changeId", e.changeId(), true);
                c.notNegative("number", e.number());
                c.id("reviewId", e.reviewId(), true);
                c.present("state", e.state());
                c.actor("reviewer", e.reviewer(),
                        e.state() == ReviewState.APPROVED || e.state() == ReviewState.APPROVAL_WITHDRAWN);
                c.sha("commitSha", e.commitSha(), false);
                c.actor("changeAuthor", e.changeAuthor(), false);
                c.url("url", e.url());
                return null;
            }

            public Void push(PushEvent e) {
                c.id("branch", e.branch(), true);
                c.sha("before", e.before(), true);
                c.sha("after", e.after(), true);
                c.actor("pusher", e.pusher(), false);
                if (e.commits().size() > MAX_COMMITS) {
                    c.add("commits", "has " + e.commits().size() + " commits, more than " + MAX_COMMITS);
                    return null;
                }
                Set<String> paths = new HashSet<>();
                for (int i = 0; i < e.commits().size(); i++) {
                    PushEvent.PushedCommit commit = e.commits().get(i);
                    String at = "commits[" + i + "]";
                    if (commit == null) {
                        c.add(at, "is missing");
                        continue;
                    }
                    c.sha(at + ".sha", commit.sha(), true);
                    c.name(at + ".author", commit.author());
                    c.text(at + ".message", commit.message());
                    c.paths(at + ".added", commit.added(), paths);
                    c.paths(at + ".modified", commit.modified(), paths);
                    c.paths(at + ".removed", commit.removed(), paths);
                }
                if (paths.size() > MAX_PATHS) {
                    c.add("commits", "name " + paths.size() + " distinct paths, more than " + MAX_PATHS);
                }
                return null;
            }

            public Void ci(CiResult e) {
                c.sha("sha", e.sha(), false);
                c.id("name", e.name(), true);
                c.present("system", e.system());
                c.id("runId", e.runId(), true);
                if (e.attempt() < 1) {
                    c.add("attempt", "is " + e.attempt() + ", less than 1");
                }
                c.present("status", e.status());
                c.id("branch", e.branch(), false);
                c.url("url", e.url());
                return null;
            }

            public Void artifact(ArtifactEvent e) {
                c.id("artifactId", e.artifactId(), true);
                c.sha("sha", e.sha(), false);
                c.id("changeId", e.changeId(), false);
                return null;
            }

            public Void deploy(DeployEvent e) {
                c.id("deployId", e.deployId(), true);
                c.id("environment", e.environment(), true);
                c.id("service", e.service(), false);
                c.sha("sha", e.sha(), false);
                c.id("ref", e.ref(), false);
                c.id("artifactId", e.artifactId(), false);
                c.present("state", e.state());
                c.actor("deployer", e.deployer(), false);
                c.text("description", e.description());
                c.url("url", e.url());
                c.ids("flags", e.flags(), MAX_FLAGS);
                c.id("rollbackOf", e.rollbackOf(), false);
                return null;
            }
        });
        if (c.bytes > MAX_RECORD_BYTES) {
            c.add("record", "would be up to " + c.bytes + " bytes as JSON, more than " + MAX_RECORD_BYTES
                    + " (a topic takes records of 1 MiB)");
        }
        return c.problems;
    }

    /** Whether this is a commit's object name: 40 (SHA-1) or 64 (SHA-256) hexadecimal characters. */
    public static boolean isSha(String value) {
        if (value == null || value.length() != 40 && value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /**
     * What is wrong with a login, or null when nothing is: it must be non-blank, without surrounding white space or
     * control characters, at most {@link #MAX_LOGIN} characters and well-formed.
     */
    public static String loginProblem(String login) {
        if (login == null) {
            return "is missing";
        } else if (login.isBlank()) {
            return "is blank";
        } else if (login.length() > MAX_LOGIN) {
            return "is " + login.length() + " characters long, more than " + MAX_LOGIN;
        } else if (!wellFormed(login)) {
            return "is not well-formed Unicode: a lone surrogate at index " + loneSurrogate(login);
        } else if (hasControl(login)) {
            return "holds a control character";
        } else if (login.strip().length() != login.length()) {
            return "begins or ends with white space";
        }
        return null;
    }

    /** Whether a record may carry this time: {@link #EARLIEST} to {@link #LATEST}. */
    public static boolean inRange(Instant time) {
        return time != null && !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
    }

    /** Whether the string is well-formed UTF-16: every surrogate is half of a pair. */
    public static boolean wellFormed(String value) {
        return loneSurrogate(value) < 0;
    }

    /**
     * The text cut to at most {@code max} characters, never between the two halves of a surrogate pair (which would
     * leave a lone one); null stays null.
     */
    public static String clip(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1)) && Character.isLowSurrogate(text.charAt(end))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** The index of the first lone surrogate, or -1. */
    private static int loneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isSurrogate(ch)) {
                if (Character.isHighSurrogate(ch) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Collects the problems of one record. */
    private static final class Checker {

        final List<Problem> problems = new ArrayList<>();
        /** The most bytes the record's JSON can take: what its strings can take, and room for the rest. */
        long bytes = 1024;

        void add(String field, String problem) {
            problems.add(new Problem(field, problem));
        }

        void present(String field, Object value) {
            if (value == null) {
                add(field, "is missing");
            }
        }

        void time(String field, Instant value) {
            if (value == null) {
                add(field, "is missing");
            } else if (!inRange(value)) {
                add(field, "is " + value + ", outside " + EARLIEST + " .. " + LATEST);
            }
        }

        void notNegative(String field, long value) {
            if (value < 0) {
                add(field, "is " + value + ", less than 0");
            }
        }

        /** The most bytes a string can take in JSON, with its name or comma and quotes. */
        void charge(String value) {
            long most = 24;
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                most += ch < 0x20 ? 6 : ch == '"' || ch == '\\' ? 2 : ch < 0x80 ? 1 : ch < 0x800 ? 2
                        : Character.isSurrogate(ch) ? 2 : 3;
            }
            bytes += most;
        }

        /** Well-formed and at most {@code max} characters; false (with the problem added) when it is not. */
        boolean bounded(String field, String value, int max) {
            charge(value);
            if (value.length() > max) {
                add(field, "is " + value.length() + " characters long, more than " + max);
                return false;
            }
            if (!wellFormed(value)) {
                add(field, "is not well-formed Unicode: a lone surrogate at index " + loneSurrogate(value));
                return false;
            }
            return true;
        }

        void id(String field, String value, boolean required) {
            if (value == null) {
                if (required) {
                    add(field, "is missing");
                }
            } else if (value.isBlank()) {
                add(field, "is blank");
            } else if (bounded(field, value, MAX_ID) && hasControl(value)) {
                add(field, "holds a control character");
            }
        }

        void ids(String field, List<String> values, int max) {
            if (values.size() > max) {
                add(field, "has " + values.size() + " entries, more than " + max);
                return;
            }
            for (int i = 0; i < values.size(); i++) {
                id(field + "[" + i + "]", values.get(i), true);
            }
        }

        void actor(String field, Actor actor, boolean required) {
            if (actor == null) {
                if (required) {
                    add(field, "is missing");
                }
                return;
            }
            if (actor.login() != null) {
                charge(actor.login());
            }
            String problem = loginProblem(actor.login());
            if (problem != null) {
                add(field + ".login", problem);
            }
        }

        void sha(String field, String value, boolean required) {
            bytes += 24 + 64;
            if (value == null) {
                if (required) {
                    add(field, "is missing");
                }
            } else if (!isSha(value)) {
                charge(value);
                add(field, "is not a commit sha (40 or 64 hexadecimal characters): '" + clip(value, 80) + "'");
            }
        }

        /** A person's name as a commit names its author: free, but one line. */
        void name(String field, String value) {
            if (value != null && bounded(field, value, MAX_ID) && hasControl(value)) {
                add(field, "holds a control character");
            }
        }

        void text(String field, String value) {
            if (value != null) {
                bounded(field, value, MAX_TEXT);
            }
        }

        void url(String field, String value) {
            if (value != null && bounded(field, value, MAX_URL) && hasControl(value)) {
                add(field, "holds a control character");
            }
        }

        void paths(String field, List<String> values, Set<String> distinct) {
            if (values.size() > MAX_PATHS) {
                add(field, "has " + values.size() + " entries, more than " + MAX_PATHS);
                return;
            }
            for (int i = 0; i < values.size(); i++) {
                String path = values.get(i);
                String at = field + "[" + i + "]";
                if (path == null || path.isEmpty()) {
                    add(at, "is empty");
                } else if (bounded(at, path, MAX_PATH)) {
                    distinct.add(path);
                }
            }
        }
    }
}
