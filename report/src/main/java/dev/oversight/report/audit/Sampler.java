package dev.oversight.report.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The seeded sample of a population, drawn so that anyone can draw it again from the population file alone:
 *
 * <ol>
 *   <li>each deploy's key is the SHA-256 of the UTF-8 text {@code <seed>:<deployId>} (the seed in decimal), as
 *       64 lowercase hex digits;</li>
 *   <li>the sample is the {@code n} deploys with the smallest keys (all of them when the population is smaller).</li>
 * </ol>
 *
 * The draw does not depend on the order of the rows, on the database or on this program: {@code printf '%s'
 * "42:github:acme/payments/deployments/1001" | sha256sum} gives a deploy's key. Offered rows one at a time, it keeps
 * only the {@code n} best so far (bounded memory for any population).
 */
public final class Sampler {

    /** A sampled deploy: its key and the row's position in the population (0-based, in the file's order). */
    public record Pick(String key, String deployId, long position) {}

    private static final Comparator<Pick> BY_KEY = Comparator.comparing(Pick::key).thenComparing(Pick::deployId);

    private final long seed;
    private final int size;
    private final MessageDigest sha256;
    private final PriorityQueue<Pick> largestFirst;
    private long offered;

    public Sampler(long seed, int size) {
        this.seed = seed;
        this.size = size;
        this.largestFirst = new PriorityQueue<>(Math.max(1, size), BY_KEY.reversed());
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key of a deploy under this seed. */
    public String key(String deployId) {
        return HexFormat.of().formatHex(sha256.digest((seed + ":" + deployId).getBytes(StandardCharsets.UTF_8)));
    }

    /** Offers the next row of the population. */
    public void offer(String deployId) {
        long position = offered++;
        if (size == 0) {
            return;
        }
        Pick pick = new Pick(key(deployId), deployId, position);
        if (largestFirst.size() < size) {
            largestFirst.add(pick);
        } else if (BY_KEY.compare(pick, largestFirst.peek()) < 0) {
            largestFirst.poll();
            largestFirst.add(pick);
        }
    }

    /** The sample so far, in the population's order. */
    public List<Pick> sample() {
        List<Pick> picks = new ArrayList<>(largestFirst);
        picks.sort(Comparator.comparingLong(Pick::position));
        return picks;
    }

    public long offered() {
        return offered;
    }
}
