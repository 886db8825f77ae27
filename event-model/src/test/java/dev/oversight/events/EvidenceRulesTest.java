package dev.oversight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.events.kafka.JsonSerde;
import dev.oversight.events.kafka.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The definition of a valid evidence record is what its readers rely on: every record it accepts is read back the
 * same through the evidence topics' serde and through the Smile serde of policy-stream's state stores. Checked over
 * many generated records, valid and not; and the records it refuses for the readers' sake are shown to break them.
 */
class EvidenceRulesTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:15:30Z");
    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    /** How policy-stream reads the evidence topics: the topic's own serde. */
    private static final JsonSerde<Evidence> TOPIC = (JsonSerde<Evidence>) Topics.REVIEWS.valueSerde();
    /** How policy-stream keeps state: Smile, with times as numbers. */
    private static final JsonSerde<Evidence> STATE = JsonSerde.compact(Evidence.class);

    private static ReviewEvent review(Actor reviewer, String commitSha) {
        return new ReviewEvent(1, Source.GITHUB, "github:acme/pay", "d-1", AT, "github:acme/pay#4", 4, "80",
                reviewer, ReviewState.APPROVED, commitSha, Actor.human("alice"), null, false);
    }

    private static ChangeEvent change(Instant at, String title) {
        return new ChangeEvent(1, Source.GITHUB, "github:acme/pay", "d-1", at, ChangeAction.OPENED,
                "github:acme/pay#4", 4, title, null, Actor.human("alice"), Actor.human("alice"), SHA, null, "fix",
                "main", null, null, List.of());
    }

    private static List<String> problems(Evidence evidence) {
        return EvidenceRules.check(evidence).stream().map(EvidenceRules.Problem::toString).toList();
    }

    private static Evidence roundTrip(JsonSerde<Evidence> serde, Evidence evidence) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", evidence));
    }

    @Test
    void everyRecordTheDefinitionAcceptsIsReadBackTheSameByTheTopicAndTheStateSerde() {
        long seed = Long.getLong("evidence.seed", 20261201L); // fixed, so CI is repeatable; explore with -Devidence.seed=…
        System.out.println("EvidenceRulesTest seed: " + seed + " (rerun with -Devidence.seed=" + seed + ")");
        Generator generate = new Generator(new Random(seed));
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            Evidence evidence = generate.evidence();
            if (!EvidenceRules.check(evidence).isEmpty()) {
                refused++;
                continue;
            }
            accepted++;
            assertThat(TOPIC.serializer().serialize("t", evidence).length).as("seed %d, case %d: size", seed, i)
                    .isLessThanOrEqualTo(EvidenceRules.MAX_RECORD_BYTES);
            assertThat(roundTrip(TOPIC, evidence)).as("seed %d, case %d: topic serde", seed, i).isEqualTo(evidence);
            assertThat(roundTrip(STATE, evidence)).as("seed %d, case %d: state serde", seed, i).isEqualTo(evidence);
        }
        System.out.println("EvidenceRulesTest: " + accepted + " records accepted and read back, " + refused + " refused");
        // Both sides are exercised: the generator makes valid and invalid records alike.
        assertThat(accepted).as("accepted").isGreaterThan(2_000);
        assertThat(refused).as("refused").isGreaterThan(2_000);
    }

    @Test
    void aYearPolicyStreamCannotReadIsRefused() {
        Instant far = Instant.parse("+1000000000-01-01T00:00:00Z");
        byte[] written = TOPIC.serializer().serialize("t", change(far, "x"));
        assertThatThrownBy(() -> TOPIC.deserializer().deserialize("t", written)).hasMessageContaining("cannot read");
        assertThat(problems(change(far, "x"))).singleElement().asString().startsWith("occurredAt is +1000000000");
        assertThat(problems(change(Instant.parse("1969-12-31T23:59:59Z"), "x"))).singleElement().asString()
                .startsWith("occurredAt is 1969");
        assertThat(problems(change(EvidenceRules.LATEST, "x"))).isEmpty();
        assertThat(problems(change(EvidenceRules.EARLIEST, "x"))).isEmpty();
    }

    @Test
    void aLoneSurrogatePolicyStreamCannotStoreIsRefused() {
        ChangeEvent lone = change(AT, "fix \ud800 it");
        assertThatThrownBy(() -> STATE.serializer().serialize("t", lone)).hasMessageContaining("cannot write");
        assertThat(problems(lone)).containsExactly("title is not well-formed Unicode: a lone surrogate at index 4");
        assertThat(problems(change(AT, "fix \ud83d\ude80 it"))).isEmpty();
    }

    @Test
    void anApprovalNeedsAReviewerWithALogin() {
        assertThat(problems(review(Actor.human("bob"), SHA))).isEmpty();
        assertThat(problems(review(Actor.human(""), SHA))).containsExactly("reviewer.login is blank");
        assertThat(problems(review(Actor.human("  "), SHA))).containsExactly("reviewer.login is blank");
        assertThat(problems(review(Actor.human("bob "), SHA))).containsExactly(
                "reviewer.login begins or ends with white space");
        assertThat(problems(review(Actor.human(null), SHA))).containsExactly("reviewer.login is missing");
        assertThat(problems(review(null, SHA))).containsExactly("reviewer is missing");
    }

    @Test
    void aShaIsFortyOrSixtyFourHexCharacters() {
        assertThat(problems(review(Actor.human("bob"), "a".repeat(64)))).isEmpty();
        assertThat(problems(review(Actor.human("bob"), null))).isEmpty();
        assertThat(problems(review(Actor.human("bob"), SHA.substring(1)))).singleElement().asString()
                .startsWith("commitSha is not a commit sha (40 or 64 hexadecimal characters)");
        assertThat(problems(review(Actor.human("bob"), ""))).hasSize(1);
        assertThat(problems(review(Actor.human("bob"), "g".repeat(40)))).hasSize(1);
    }

    @Test
    void whatEachKindNeedsIsThere() {
        PushEvent push = new PushEvent(1, Source.GITLAB, "gitlab:g/p", "d", AT, null, null, SHA, false, false, false,
                null, List.of(new PushEvent.PushedCommit("", "carol", "msg", List.of(""), List.of(), List.of())));
        assertThat(problems(push)).containsExactly("branch is missing", "before is missing",
                "commits[0].sha is not a commit sha (40 or 64 hexadecimal characters): ''",
                "commits[0].added[0] is empty");
        CiResult ci = new CiResult(1, Source.JENKINS, "github:a/b", "d", AT, null, " ", null, "r\u001f1", 0,
                CiResult.CiStatus.COMPLETED, null, null, null);
        assertThat(problems(ci)).containsExactly("name is blank", "system is missing",
                "runId holds a control character", "attempt is 0, less than 1");
        DeployEvent deploy = new DeployEvent(1, Source.CDEVENTS, "r", "", null, "r/deployments/1", null, null, null,
                null, null, DeployEvent.DeployState.SUCCEEDED, null, null, null, List.of("a".repeat(1025)), null);
        assertThat(problems(deploy)).containsExactly("deliveryId is blank", "occurredAt is missing",
                "environment is missing", "flags[0] is 1025 characters long, more than 1024");
    }

    /** A record larger than a topic takes could never be written: it is refused, one that fits is not. */
    @Test
    void aRecordFitsInATopicRecord() {
        PushEvent fits = pushOfPaths(50);
        assertThat(TOPIC.serializer().serialize("t", fits).length).isBetween(800_000, EvidenceRules.MAX_RECORD_BYTES);
        assertThat(problems(fits)).isEmpty();
        assertThat(roundTrip(TOPIC, fits)).isEqualTo(fits);
        PushEvent tooLarge = pushOfPaths(60);
        assertThat(TOPIC.serializer().serialize("t", tooLarge).length).isGreaterThan(EvidenceRules.MAX_RECORD_BYTES);
        assertThat(problems(tooLarge)).singleElement().asString().startsWith("record would be up to ")
                .endsWith("(a topic takes records of 1 MiB)");
    }

    /** A push of long paths, each 16 KiB as JSON (a control character is escaped in six bytes). */
    private static PushEvent pushOfPaths(int paths) {
        List<String> added = new ArrayList<>();
        for (int i = 0; i < paths; i++) {
            added.add(String.format("%04d", i) + "\u00e9\u0001".repeat(EvidenceRules.MAX_PATH / 2 - 2));
        }
        return new PushEvent(1, Source.GITHUB, "github:a/b", "d", AT, "main", SHA, SHA, false, false, false,
                Actor.human("carol"), List.of(new PushEvent.PushedCommit(SHA, "carol", "m", added, List.of(),
                List.of())));
    }

    @Test
    void clippingNeverSplitsASurrogatePair() {
        String rocket = "ab\ud83d\ude80";
        assertThat(EvidenceRules.clip(rocket, 3)).isEqualTo("ab");
        assertThat(EvidenceRules.clip(rocket, 4)).isEqualTo(rocket);
        assertThat(EvidenceRules.clip(rocket, 2)).isEqualTo("ab");
        assertThat(EvidenceRules.clip(null, 2)).isNull();
    }

    /** Records of every kind, each field now and then empty, blank, oversized, malformed or out of range. */
    private static final class Generator {

        private final Random random;

        Generator(Random random) {
            this.random = random;
        }

        Evidence evidence() {
            Source source = Source.values()[random.nextInt(Source.values().length)];
            String repo = id();
            String delivery = id();
            Instant at = time();
            return switch (random.nextInt(6)) {
                case 0 -> new ChangeEvent(schema(), source, repo, delivery, at, pick(ChangeAction.values()), id(),
                        number(), text(), url(), actor(), actor(), sha(), sha(), id(), id(), sha(), actor(), ids());
                case 1 -> new ReviewEvent(schema(), source, repo, delivery, at, id(), number(), id(), actor(),
                        pick(ReviewState.values()), sha(), actor(), url(), random.nextBoolean() ? null : random.nextBoolean());
                case 2 -> new PushEvent(schema(), source, repo, delivery, at, id(), sha(), sha(), random.nextBoolean(),
                        random.nextBoolean(), random.nextBoolean(), actor(), list(() -> new PushEvent.PushedCommit(sha(),
                        maybe(this::string), text(), paths(), paths(), paths())));
                case 3 -> new CiResult(schema(), source, repo, delivery, at, sha(), id(),
                        pick(CiResult.CiSystem.values()), id(), random.nextInt(200) == 0 ? random.nextInt(3) - 1 : 1
                        + random.nextInt(5), pick(CiResult.CiStatus.values()), pick(CiResult.CiConclusion.values()),
                        id(), url());
                case 4 -> new ArtifactEvent(schema(), source, repo, delivery, at, id(), sha(), id());
                default -> new DeployEvent(schema(), source, repo, delivery, at, id(), id(), id(), sha(), id(), id(),
                        pick(DeployEvent.DeployState.values()), actor(), text(), url(), ids(), id());
            };
        }

        private int schema() {
            return random.nextInt(300) == 0 ? 2 : 1;
        }

        private <T> T pick(T[] values) {
            return random.nextInt(300) == 0 ? null : values[random.nextInt(values.length)];
        }

        private <T> T maybe(Supplier<T> value) {
            return random.nextInt(4) == 0 ? null : value.get();
        }

        private long number() {
            return random.nextInt(300) == 0 ? -1 - random.nextInt(5) : random.nextInt(10_000);
        }

        private Instant time() {
            return switch (random.nextInt(150)) {
                case 0 -> null;
                case 1 -> EvidenceRules.LATEST;
                case 2 -> EvidenceRules.EARLIEST;
                case 3 -> EvidenceRules.LATEST.plusNanos(1);
                case 4 -> EvidenceRules.EARLIEST.minusNanos(1);
                case 5 -> random.nextBoolean() ? Instant.MAX : Instant.MIN;
                case 6 -> Instant.ofEpochSecond(random.nextLong(Instant.MIN.getEpochSecond(),
                        Instant.MAX.getEpochSecond()));
                default -> Instant.ofEpochSecond(random.nextLong(EvidenceRules.LATEST.getEpochSecond()),
                        random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            };
        }

        private String sha() {
            return switch (random.nextInt(250)) {
                case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 -> null;
                case 10 -> "";
                case 11 -> hex(39);
                case 12 -> hex(40).replace('a', 'z');
                case 13, 14, 15, 16, 17 -> hex(64);
                default -> hex(40);
            };
        }

        private String hex(int length) {
            StringBuilder s = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                s.append("0123456789abcdefABCDEF".charAt(random.nextInt(random.nextInt(8) == 0 ? 22 : 16)));
            }
            return s.toString();
        }

        private String id() {
            return maybe(() -> random.nextInt(400) == 0 ? "x".repeat(EvidenceRules.MAX_ID + random.nextInt(2))
                    : string());
        }

        private String text() {
            return maybe(() -> random.nextInt(400) == 0 ? "t".repeat(EvidenceRules.MAX_TEXT - 1 + random.nextInt(3))
                    : string());
        }

        private String url() {
            return maybe(() -> "https://example.com/" + string());
        }

        private Actor actor() {
            return random.nextInt(3) == 0 ? null : new Actor(random.nextInt(300) == 0 ? null : string(),
                    random.nextBoolean());
        }

        private List<String> ids() {
            return list(this::string);
        }

        private List<String> paths() {
            return list(() -> "src/" + string());
        }

        private <T> List<T> list(Supplier<T> element) {
            List<T> values = new ArrayList<>();
            for (int n = random.nextInt(4); n > 0; n--) {
                values.add(element.get());
            }
            return values;
        }

        /** Mostly plain, sometimes blank, padded, with a control character, an emoji or a lone surrogate. */
        private String string() {
            StringBuilder s = new StringBuilder();
            for (int n = 1 + random.nextInt(12); n > 0; n--) {
                s.append("abcdefghijklmnopqrstuvwxyz0123456789-_./#:".charAt(random.nextInt(42)));
            }
            switch (random.nextInt(400)) {
                case 0 -> s.setLength(0);
                case 1 -> s.replace(0, s.length(), "  ");
                case 2 -> s.append(' ');
                case 3 -> s.insert(random.nextInt(s.length()), '\u001f');
                case 4 -> s.append('\n');
                case 5, 9, 10, 11, 12, 13, 14, 15, 16, 17 -> s.append("\ud83d\ude80 é ✓");
                case 6 -> s.insert(random.nextInt(s.length()), '\ud800');
                case 7 -> s.append('\udfff');
                case 8 -> s.append("\ude80\ud83d");
                default -> { }
            }
            return s.toString();
        }
    }
}
