package dev.oversight.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.Source;
import dev.oversight.events.kafka.RawDeliverySerde;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill into a real broker, from GitHub's API served on loopback: what it writes, and an interruption resumed
 * with nothing written twice.
 */
@ExtendWith(RealKafka.class)
class BackfillIT {

    static final Instant SINCE = Instant.parse("2026-07-01T00:00:00Z");
    static final Period QUARTER = new Period(SINCE, Instant.parse("2026-10-01T00:00:00Z"), List.of("production"));

    @TempDir
    Path dataDir;
    private FakeGitHub github;
    private KafkaConnection kafka;

    @BeforeEach
    void start() throws Exception {
        github = FakeGitHub.start();
        Stories.quarter("acme/ledger", SINCE).serve(github);
        Stories.quarter("acme/vault", SINCE).serve(github);
        github.pageSize(2);
        String prefix = "it-backfill-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        kafka = new KafkaConnection(RealKafka.bootstrapServers(), prefix, 3, 1, Map.of());
        TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private Backfill.Summary backfill(boolean resume) throws Exception {
        return backfill(Source.GITHUB, github.api(), resume);
    }

    private Backfill.Summary backfill(Source source, java.net.URI api, boolean resume) throws Exception {
        Backfill.Request request = new Backfill.Request(source, List.of("acme/ledger", "acme/vault"), null,
                QUARTER, api, "test-token", false, resume, dataDir);
        return new Backfill(request, kafka, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Progress.NONE, RestClient.Sleeper.REAL, Clock.systemUTC()).run();
    }

    private List<ConsumerRecord<String, byte[]>> raw() {
        try (TopicProbe<byte[]> probe = new TopicProbe<>(RealKafka.bootstrapServers(),
                kafka.topic(Topics.RAW).name(), new ByteArrayDeserializer())) {
            return probe.readToEnd(Duration.ofSeconds(30));
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anInterruptedBackfillResumesWritingNothingTwice() throws Exception {
        // The first run stops at the second repository: the API refuses (as a token revoked midway would).
        github.fail("repos/acme/vault/pulls?direction=desc&sort=updated&state=closed",
                new FakeGitHub.Failure(401, Map.of(), "{\"message\":\"Bad credentials\"}"));
        interruptedAndResumed(Source.GITHUB, github.api(), "backfill:acme/ledger:deployment_status:1101",
                "backfill:acme/ledger:pull_request_review:31");
    }

    @Test
    void anInterruptedGitLabBackfillResumesWritingNothingTwice() throws Exception {
        try (FakeGitHub gitlab = FakeGitHub.startGitLab()) {
            new GitLabStory(Stories.quarter("acme/ledger", SINCE)).serve(gitlab);
            new GitLabStory(Stories.quarter("acme/vault", SINCE)).serve(gitlab);
            gitlab.pageSize(2);
            gitlab.fail("projects/acme%2Fvault/merge_requests/1/versions",
                    new FakeGitHub.Failure(401, Map.of(), "{\"message\":\"401 Unauthorized\"}"));
            interruptedAndResumed(Source.GITLAB, gitlab.base(), "backfill:acme/ledger:deployment:101:success",
                    "backfill:acme/ledger:merge_request:1000003:approved:erin");
        }
    }

    private void interruptedAndResumed(Source source, java.net.URI api, String... someIds) throws Exception {
        String ledger = source.id() + ":acme/ledger";
        String vault = source.id() + ":acme/vault";
        assertThatThrownBy(() -> backfill(source, api, false)).hasMessageContaining("refused the token (401)");
        List<ConsumerRecord<String, byte[]>> afterFirst = raw();
        assertThat(afterFirst).isNotEmpty().allMatch(r -> r.key().equals(ledger));

        // And it was killed after Kafka committed its last batch but before its checkpoint said so.
        Path checkpoint = Files.list(dataDir.resolve("backfill")).filter(f -> f.toString().endsWith(".checkpoint"))
                .findFirst().orElseThrow();
        List<String> lines = new ArrayList<>(Files.readAllLines(checkpoint));
        int kept = lines.size() / 2;
        Files.write(checkpoint, lines.subList(0, kept));

        assertThatThrownBy(() -> backfill(source, api, false)).as("run again without --resume")
                .isInstanceOf(Backfill.NotResumed.class).hasMessageContaining("--resume");
        Backfill.Summary resumed = backfill(source, api, true);

        List<ConsumerRecord<String, byte[]>> all = raw();
        Map<String, Long> perDelivery = all.stream().collect(Collectors.groupingBy(r -> header(r, "ce_id"),
                Collectors.counting()));
        assertThat(perDelivery).as("every fact once").allSatisfy((id, n) -> assertThat(n).as(id).isOne());
        assertThat(all).extracting(ConsumerRecord::key).containsOnly(ledger, vault);
        assertThat(all).as("each raw record says it was backfilled")
                .allMatch(r -> "backfill".equals(header(r, RawDeliverySerde.PROVENANCE)));
        assertThat(resumed.written()).as("written on resuming (%d raw records after the first run, %d in all, %s)",
                afterFirst.size(), all.size(), resumed).isEqualTo(all.size() - afterFirst.size());
        assertThat(resumed.alreadyWritten()).isEqualTo(afterFirst.size());
        long vaults = all.stream().filter(r -> r.key().equals(vault)).count();
        assertThat(vaults).isEqualTo(afterFirst.size());

        // Evidence too: each evidence record of each fact once.
        for (var topic : List.of(Topics.REVIEWS, Topics.CI, Topics.DEPLOYS)) {
            try (TopicProbe<byte[]> probe = new TopicProbe<>(RealKafka.bootstrapServers(), kafka.topic(topic).name(),
                    new ByteArrayDeserializer())) {
                assertThat(probe.readToEnd(Duration.ofSeconds(30))).extracting(r -> header(r, "ce_id"))
                        .doesNotHaveDuplicates().isNotEmpty();
            }
        }
        assertThat(Files.readAllLines(checkpoint)).contains("done acme/ledger", "done acme/vault");
        assertThat(perDelivery.keySet().stream().map(Function.identity())).contains(someIds);
    }
}
