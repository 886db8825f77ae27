package dev.oversight.policy.topology;

/**
 * Store keys are made of parts joined by the unit separator (U+001F), which no repository id, sha or deploy id
 * contains; a repository's entries share the prefix {@code repository + SEP} for prefix scans.
 */
final class StoreKeys {

    static final char SEP = '\u001f';

    private StoreKeys() {}

    static String of(String... parts) {
        return String.join(String.valueOf(SEP), parts);
    }

    static String prefix(String first) {
        return first + SEP;
    }

    /** The repository of a key made repository + SEP + …; the whole key when it has no part after it. */
    static String repositoryOf(String key) {
        int sep = key.indexOf(SEP);
        return sep < 0 ? key : key.substring(0, sep);
    }

    static String last(String key) {
        return key.substring(key.lastIndexOf(SEP) + 1);
    }

    /** A time as a key part that sorts in time order. */
    static String time(long epochMillis) {
        String digits = Long.toString(Math.max(0, epochMillis));
        return "000000000000000".substring(Math.min(15, digits.length())) + digits;
    }
}
