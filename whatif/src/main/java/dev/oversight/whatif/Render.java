package dev.oversight.whatif;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A run as people and programs read it: a table for the terminal, Markdown (a pull request comment), CSV (one row per
 * deploy that flipped or is UNKNOWN) and JSON (everything).
 */
public final class Render {

    public enum Format { TABLE, MARKDOWN, CSV, JSON }

    private Render() {}

    public static String render(WhatIf.Run run, Format format) {
        return switch (format) {
            case TABLE -> text(run, false);
            case MARKDOWN -> text(run, true);
            case CSV -> csv(run);
            case JSON -> json(run);
        };
    }

    /** The one-line verdict of the run, as the command ends with. */
    public static String headline(WhatIf.Run run) {
        Comparison.Result r = run.result();
        String unknown = r.unknown().isEmpty() ? "" : "; " + r.unknown().size() + " UNKNOWN (evidence no longer complete)";
        if (r.flips().isEmpty()) {
            return "Every verdict is the same under policy '" + run.policy().name() + "': " + r.equal() + " of "
                    + r.compared() + " deploys compared, none flipped" + unknown + ".";
        }
        return deploys(r.count(Comparison.Kind.TO_VIOLATION)) + " would become violations, "
                + r.count(Comparison.Kind.TO_COMPLIANT) + " would no longer be, " + r.count(Comparison.Kind.STATUS)
                + " change status otherwise, " + r.count(Comparison.Kind.REASONS) + " change reasons only ("
                + r.compared() + " deploys compared under policy '" + run.policy().name() + "')" + unknown + ".";
    }

    private static String deploys(long n) {
        return n + (n == 1 ? " deploy" : " deploys");
    }

    private static String text(WhatIf.Run run, boolean md) {
        Comparison.Result r = run.result();
        StringBuilder out = new StringBuilder();
        Scope s = run.scope();
        out.append(md ? "## " : "").append("What if policy '").append(run.policy().name()).append("' (")
                .append(run.policy().version(), 0, Math.min(19, run.policy().version().length())).append("…) had decided")
                .append(md ? "\n\n" : "\n");
        out.append(md ? "" : "  ").append("Deploys of ").append(time(s.from())).append(" to ").append(time(s.to()))
                .append(filters(s)).append("; evidence replayed from ").append(time(s.replayFrom())).append(" (lead-in ")
                .append(s.leadIn().toDays()).append(" d) to ").append(time(run.asOf())).append(String.format(Locale.ROOT,
                        ": %,d records in %.1f s", run.evidenceRecords(), run.took().toMillis() / 1000.0))
                .append(run.failedRecords() == 0 ? "" : "; " + run.failedRecords() + " records could not be processed")
                .append(md ? "\n\n" : "\n");
        out.append(md ? "**" : "  ").append(headline(run)).append(md ? "**\n\n" : "\n\n");
        if (!r.flips().isEmpty()) {
            List<List<String>> counts = new ArrayList<>();
            counts.add(List.of("", "", "to VIOLATION", "to COMPLIANT", "other status", "reasons only"));
            group(counts, "team", r.byTeam());
            group(counts, "service", r.byService());
            group(counts, "environment", r.byEnvironment());
            out.append(table(counts, md)).append('\n');
            List<List<String>> reasons = new ArrayList<>();
            reasons.add(List.of("reason code", "added", "removed"));
            r.byReason().forEach((code, c) -> reasons.add(List.of(code, "" + c.added, "" + c.removed)));
            if (reasons.size() > 1) {
                out.append(table(reasons, md)).append('\n');
            }
            List<Comparison.Flip> shown = r.flips().subList(0, Math.min(s.limit(), r.flips().size()));
            out.append(md ? "### " : "").append(shown.size() == r.flips().size() ? "Every flip" : "The first "
                    + shown.size() + " of " + r.flips().size() + " flips").append(md ? "\n\n" : ":\n");
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("deploy", "deployed", "service", "environment", "recorded", "what-if", "reasons",
                    "changes"));
            for (Comparison.Flip f : shown) {
                rows.add(List.of(f.deploy().deployId(), time(f.deploy().deployedAt()), orDash(f.deploy().service()),
                        orDash(f.deploy().environment()), describe(f.recorded()), describe(f.replayed()), reasonChange(f),
                        changes(f.deploy().changes())));
            }
            out.append(table(rows, md)).append('\n');
        }
        if (!r.unknown().isEmpty()) {
            out.append(md ? "### " : "").append("UNKNOWN: the evidence of these deploys is no longer complete; the"
                    + " new policy's verdict cannot be told").append(md ? "\n\n" : ":\n");
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("deploy", "deployed", "recorded", "why"));
            for (Comparison.Unknown u : r.unknown().subList(0, Math.min(s.limit(), r.unknown().size()))) {
                rows.add(List.of(u.deploy().deployId(), time(u.deploy().deployedAt()), describe(u.recorded()), u.why()));
            }
            out.append(table(rows, md)).append('\n');
        }
        return out.toString();
    }

    private static void group(List<List<String>> rows, String name, Map<String, Comparison.Counts> counts) {
        counts.forEach((value, c) -> rows.add(List.of(name, value, "" + c.toViolation, "" + c.toCompliant,
                "" + c.status, "" + c.reasons)));
    }

    public static String describe(Outcome o) {
        if (o == null) {
            return "NONE";
        }
        String reasons = o.reasons().isEmpty() ? "" : " " + String.join(",", o.reasons());
        String was = o.flagged() && o.status() != dev.oversight.events.VerdictStatus.VIOLATION ? " (was VIOLATION)" : "";
        return o.status() + was + reasons;
    }

    private static String reasonChange(Comparison.Flip f) {
        List<String> parts = new ArrayList<>();
        f.added().forEach(c -> parts.add("+" + c));
        f.removed().forEach(c -> parts.add("-" + c));
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }

    public static String changes(List<Verdict.ChangeSummary> changes) {
        if (changes == null || changes.isEmpty()) {
            return "-";
        }
        return changes.stream().map(c -> c.id() + " by " + orDash(c.author()) + (c.approvers().isEmpty()
                ? ", no approval" : ", approved by " + String.join(" ", c.approvers()))).collect(Collectors.joining("; "));
    }

    private static String filters(Scope s) {
        List<String> f = new ArrayList<>();
        if (s.repository() != null) {
            f.add("repository " + s.repository());
        }
        if (s.service() != null) {
            f.add("service " + s.service());
        }
        if (s.team() != null) {
            f.add("team " + s.team());
        }
        if (s.environment() != null) {
            f.add("environment " + s.environment());
        }
        return f.isEmpty() ? "" : " (" + String.join(", ", f) + ")";
    }

    private static String table(List<List<String>> rows, boolean md) {
        StringBuilder out = new StringBuilder();
        if (md) {
            for (int i = 0; i < rows.size(); i++) {
                out.append("| ").append(rows.get(i).stream().map(c -> c.replace("|", "\\|"))
                        .collect(Collectors.joining(" | "))).append(" |\n");
                if (i == 0) {
                    out.append("|").append(" --- |".repeat(rows.get(0).size())).append('\n');
                }
            }
            return out.toString();
        }
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            out.append("  ");
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                out.append(i == row.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String csv(WhatIf.Run run) {
        StringBuilder out = new StringBuilder("kind,deploy,repository,service,team,environment,deployed,recorded,"
                + "whatif,reasons_added,reasons_removed,changes,why\n");
        for (Comparison.Flip f : run.result().flips()) {
            Comparison.Deploy d = f.deploy();
            out.append(csvRow(f.kind().name(), d, describe(f.recorded()), describe(f.replayed()),
                    String.join(" ", f.added()), String.join(" ", f.removed()), ""));
        }
        for (Comparison.Unknown u : run.result().unknown()) {
            out.append(csvRow("UNKNOWN", u.deploy(), describe(u.recorded()), "UNKNOWN", "", "", u.why()));
        }
        return out.toString();
    }

    private static String csvRow(String kind, Comparison.Deploy d, String recorded, String whatIf, String added,
                                 String removed, String why) {
        return java.util.stream.Stream.of(kind, d.deployId(), d.repository(), d.service(), d.team(), d.environment(),
                        time(d.deployedAt()), recorded, whatIf, added, removed, changes(d.changes()), why)
                .map(Render::csvCell).collect(Collectors.joining(",")) + "\n";
    }

    private static String csvCell(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String json(WhatIf.Run run) {
        var mapper = Json.mapper();
        Comparison.Result r = run.result();
        ObjectNode root = mapper.createObjectNode();
        root.putObject("policy").put("name", run.policy().name()).put("version", run.policy().version());
        ObjectNode scope = root.putObject("scope");
        Scope s = run.scope();
        scope.put("from", s.from().toString()).put("to", s.to().toString()).put("replayFrom", s.replayFrom().toString())
                .put("asOf", run.asOf().toString()).put("repository", s.repository()).put("service", s.service())
                .put("team", s.team()).put("environment", s.environment());
        root.put("evidenceRecords", run.evidenceRecords()).put("failedRecords", run.failedRecords())
                .put("compared", r.compared()).put("equal", r.equal()).put("unknown", r.unknown().size())
                .put("toViolation", r.count(Comparison.Kind.TO_VIOLATION))
                .put("toCompliant", r.count(Comparison.Kind.TO_COMPLIANT))
                .put("otherStatus", r.count(Comparison.Kind.STATUS)).put("reasonsOnly", r.count(Comparison.Kind.REASONS));
        root.set("byTeam", mapper.valueToTree(r.byTeam()));
        root.set("byService", mapper.valueToTree(r.byService()));
        root.set("byEnvironment", mapper.valueToTree(r.byEnvironment()));
        root.set("byReason", mapper.valueToTree(r.byReason()));
        ArrayNode flips = root.putArray("flips");
        for (Comparison.Flip f : r.flips()) {
            ObjectNode n = flips.addObject().put("kind", f.kind().name());
            n.set("deploy", mapper.valueToTree(f.deploy()));
            n.set("recorded", outcome(f.recorded()));
            n.set("whatIf", outcome(f.replayed()));
            n.set("reasonsAdded", mapper.valueToTree(f.added()));
            n.set("reasonsRemoved", mapper.valueToTree(f.removed()));
        }
        ArrayNode unknown = root.putArray("unknownDeploys");
        for (Comparison.Unknown u : r.unknown()) {
            ObjectNode n = unknown.addObject().put("why", u.why());
            n.set("deploy", mapper.valueToTree(u.deploy()));
            n.set("recorded", outcome(u.recorded()));
        }
        return Json.toPrettyString(root) + "\n";
    }

    private static ObjectNode outcome(Outcome o) {
        ObjectNode n = Json.mapper().createObjectNode();
        if (o == null) {
            return n.put("status", "NONE");
        }
        n.put("status", o.status().name()).put("everViolation", o.flagged());
        n.set("reasons", Json.mapper().valueToTree(o.reasons()));
        n.put("verdictId", o.last().verdictId());
        n.put("policy", o.last().policy() == null ? null : o.last().policy().name());
        return n;
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
