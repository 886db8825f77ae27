package dev.oversight.backfill;

import dev.oversight.backfill.github.GitHubHistory;
import dev.oversight.backfill.gitlab.GitLabHistory;
import dev.oversight.backfill.http.ResponseCache;
import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.Source;
import dev.oversight.ingest.gitlab.GitLabNormalizer;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code oversight backfill}: reads the history of a period from a source's API and writes it as the evidence its
 * webhooks would have delivered, repository by repository, resumable where it stopped.
 */
public final class Backfill {

    /** Facts per Kafka transaction (and per checkpoint entry). */
    static final int BATCH = 500;

    /**
     * What to read.
     *
     * @param repositories {@code owner/name} each (GitLab: the projects' {@code group/sub/project}); empty when
     *                     {@code organization} (a GitHub organisation, a GitLab group) is given
     * @param apiUrl       the API's root ({@code https://api.github.com}, {@code https://HOST/api/v3};
     *                     {@code https://gitlab.com/api/v4})
     */
    public record Request(Source source, List<String> repositories, String organization, Period period, URI apiUrl,
                          String token, boolean dryRun, boolean resume, Path dataDir) {

        public Request {
            repositories = List.copyOf(repositories);
        }

        /** The checkpoint of this request: the same repositories, period, environments and API share one. */
        Path checkpointFile() {
            String what = String.join("\n", source.id(), String.join(",", repositories), String.valueOf(organization),
                    period.since().toString(), period.until().toString(), String.join(",", period.environments()),
                    apiUrl.toString());
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
                return dataDir.resolve("backfill").resolve(source.id() + "-"
                        + HexFormat.of().formatHex(digest).substring(0, 16) + ".checkpoint");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** What a run did. */
    public record Summary(int repositories, int facts, int written, int alreadyWritten, List<String> refused,
                          long requests) {}

    /** An earlier run of the same request stopped before the end, and --resume was not given. */
    public static final class NotResumed extends RuntimeException {
        NotResumed(String message) {
            super(message);
        }
    }

    private final Request request;
    private final KafkaConnection kafka;
    private final PrintStream out;
    private final Progress progress;
    private final RestClient.Sleeper sleeper;
    private final Clock clock;

    /** @param kafka null for a dry run */
    public Backfill(Request request, KafkaConnection kafka, PrintStream out, Progress progress,
                    RestClient.Sleeper sleeper, Clock clock) {
        this.request = request;
        this.kafka = kafka;
        this.out = out;
        this.progress = progress;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    public Summary run() throws IOException, InterruptedException {
        ResponseCache cache = request.dryRun() ? ResponseCache.none()
                : ResponseCache.in(request.dataDir().resolve("backfill").resolve("answers"));
        RestClient.Listener waits = (wait, why) -> out.printf(Locale.ROOT, "waiting %d s: %s%n", wait.toSeconds(), why);
        RestClient api;
        HistorySource source;
        FactWriter.Normalizer normalizer;
        switch (request.source()) {
            case GITHUB -> {
                api = new RestClient(Map.of(
                        "Authorization", "Bearer " + request.token(),
                        "Accept", "application/vnd.github+json",
                        "X-GitHub-Api-Version", "2022-11-28",
                        "User-Agent", "oversight-backfill"),
                        RestClient.RateLimitHeaders.GITHUB, cache, sleeper, clock, waits);
                source = new GitHubHistory(api, request.apiUrl());
                // The webhook's evidence, and what GitHub no longer has said so.
                normalizer = GitHubHistory::normalize;
            }
            case GITLAB -> {
                api = new RestClient(Map.of(
                        "PRIVATE-TOKEN", request.token(),
                        "Accept", "application/json",
                        "User-Agent", "oversight-backfill"),
                        RestClient.RateLimitHeaders.GITLAB, cache, sleeper, clock, waits);
                source = new GitLabHistory(api, request.apiUrl());
                // A GitLab hook carries no time for some facts (a push): the webhook's would have been its arrival,
                // which for a fact read afterwards is when it happened, not when it was imported.
                normalizer = (fact, now) -> GitLabNormalizer.normalize(fact.eventType(), fact.deliveryId(),
                        fact.body(), fact.occurredAt());
            }
            default -> throw new UnsupportedOperationException("backfill from " + request.source().id()
                    + " is not available");
        }
        HistorySource.Words words = source.words();
        List<String> repositories = request.organization() != null ? source.repositories(request.organization())
                : request.repositories();
        if (request.dryRun()) {
            return dryRun(source, repositories, api);
        }
        try (Checkpoint checkpoint = Checkpoint.at(request.checkpointFile())) {
            if (checkpoint.started() && !request.resume()) {
                throw new NotResumed("a backfill of the same repositories and period was run before (checkpoint "
                        + checkpoint.file() + "); add --resume to continue it where it stopped without writing "
                        + "anything twice, or delete that file to start again");
            }
            if (request.resume()) {
                checkpoint.alsoWritten(FactWriter.committed(kafka, request.source(), Duration.ofSeconds(60)));
            }
            String transactionalId = "oversight-backfill-" + request.checkpointFile().getFileName();
            int facts = 0;
            int written = 0;
            int already = 0;
            List<String> refused = new ArrayList<>();
            try (FactWriter writer = new FactWriter(kafka, request.source(), normalizer, transactionalId, clock)) {
                for (String repository : repositories) {
                    if (checkpoint.done(repository)) {
                        progress.finished(repository, repository + ": done before, skipped");
                        continue;
                    }
                    History history = source.read(repository, request.period(), progress);
                    history.unavailable().forEach(note -> out.println(repository + ": " + words.missing() + ": "
                            + note));
                    List<Fact> fresh = history.facts().stream().filter(f -> !checkpoint.written(f.deliveryId()))
                            .toList();
                    int repoWritten = 0;
                    for (List<Fact> batch : batches(fresh)) {
                        FactWriter.Outcome outcome = writer.write(batch);
                        checkpoint.markWritten(outcome.handled());
                        repoWritten += outcome.written();
                        refused.addAll(outcome.refused());
                    }
                    checkpoint.markDone(repository);
                    facts += history.facts().size();
                    written += repoWritten;
                    already += history.facts().size() - fresh.size();
                    progress.finished(repository, String.format(Locale.ROOT, "%s; %d facts written%s",
                            counts(history, words), repoWritten, history.facts().size() == fresh.size() ? ""
                                    : ", " + (history.facts().size() - fresh.size()) + " written before"));
                }
            }
            return new Summary(repositories.size(), facts, written, already, refused, api.requests());
        }
    }

    /**
     * The facts (in the order they happened) cut into transactions of at most {@link #BATCH}, each deploy starting a
     * new one: a deploy becomes visible only after the evidence it is judged on was committed, so policy-stream,
     * reading several topics, cannot meet the deploy before that evidence (live, the webhooks arrive in that order).
     */
    static List<List<Fact>> batches(List<Fact> facts) {
        List<List<Fact>> batches = new ArrayList<>();
        List<Fact> batch = new ArrayList<>();
        for (Fact fact : facts) {
            boolean deploy = Fact.isDeploy(fact);
            boolean afterEvidence = !batch.isEmpty() && !Fact.isDeploy(batch.get(batch.size() - 1));
            if (batch.size() == BATCH || (deploy && afterEvidence)) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
            batch.add(fact);
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    /** {@code acme/payments: 14 deploys, 580 pull requests (902 reviews), 31 checks} */
    private static String counts(History history, HistorySource.Words words) {
        return String.format(Locale.ROOT, "%s: %d deploys, %d %s (%d %s), %d %s", history.repository(),
                history.deploys().size(), history.changes(), words.changes(), history.reviews(), words.reviews(),
                history.checks(), words.checks());
    }

    private Summary dryRun(HistorySource source, List<String> repositories, RestClient api)
            throws IOException, InterruptedException {
        int facts = 0;
        for (String repository : repositories) {
            History history = source.read(repository, request.period(), progress);
            Map<String, Integer> byType = new TreeMap<>();
            history.facts().forEach(f -> byType.merge(f.eventType(), 1, Integer::sum));
            progress.finished(repository, repository + ": would import " + history.facts().size() + " facts");
            out.println(counts(history, source.words()));
            history.deploys().forEach(line -> out.println("  " + line));
            history.unavailable().forEach(note -> out.println("  " + source.words().missing() + ": " + note));
            out.println("  would write: " + byType.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .reduce((a, b) -> a + ", " + b).orElse("nothing"));
            facts += history.facts().size();
        }
        out.println("dry run: nothing was written");
        return new Summary(repositories.size(), facts, 0, 0, List.of(), api.requests());
    }
}
