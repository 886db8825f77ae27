package dev.oversight.backfill;

/** The delivery ids of backfilled facts all start with this, after which the fact's own id in its source follows. */
public final class BackfillIds {

    public static final String PREFIX = "backfill:";

    private BackfillIds() {}
}
