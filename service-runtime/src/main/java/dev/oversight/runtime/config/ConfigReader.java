package dev.oversight.runtime.config;

import dev.oversight.events.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed values out of {@link Settings} and collects every problem, so a service that cannot start says
 * everything that is wrong at once: call the getters, then {@link #done()}.
 */
public final class ConfigReader {

    private final Settings settings;
    private final List<String> problems = new ArrayList<>();

    public ConfigReader(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public String string(String key, String defaultValue) {
        return raw(key).orElse(defaultValue);
    }

    public Optional<String> optional(String key) {
        return raw(key);
    }

    public String required(String key, String why) {
        Optional<String> value = raw(key);
        if (value.isEmpty()) {
            problems.add(key + " is not set: " + why);
            return null;
        }
        return value.get();
    }

    /** A comma-separated list (secrets for rotation, names); empty when unset. */
    public List<String> list(String key) {
        return raw(key)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return parse(key, defaultValue, v -> {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return n;
        }, "a whole number");
    }

    public int port(String key, int defaultValue) {
        return integer(key, defaultValue, 0, 65535);
    }

    public long bytes(String key, long defaultValue) {
        return parse(key, defaultValue, ConfigReader::parseBytes, "a size such as 25MiB, 512KiB or 1048576");
    }

    public Duration duration(String key, Duration defaultValue) {
        return parse(key, defaultValue, ConfigReader::parseDuration, "a duration such as 60s, 5m, 24h or 500ms");
    }

    public boolean bool(String key, boolean defaultValue) {
        return parse(key, defaultValue, v -> {
            if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) {
                return true;
            }
            if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) {
                return false;
            }
            throw new IllegalArgumentException("not a boolean");
        }, "true or false");
    }

    /** An http(s) URL, or empty when unset. */
    public Optional<URI> url(String key) {
        Optional<String> value = raw(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.get());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                problems.add(key + " must be an http:// or https:// URL, got '" + value.get() + "'");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            problems.add(key + " must be an http:// or https:// URL, got '" + value.get() + "'");
            return Optional.empty();
        }
    }

    public Path path(String key, String defaultValue) {
        return Path.of(string(key, defaultValue));
    }

    /**
     * A value read by a parser that may find several problems at once (a policy file): the parser gets the value,
     * or null when the key is unset; each problem it reports through an exception of the given type is recorded as
     * {@code KEY (value): problem}, and the answer is then null.
     */
    public <T, E extends RuntimeException> T read(String key, Function<String, T> parser, Class<E> failure,
                                                  Function<E, List<String>> problemsOf) {
        String value = raw(key).orElse(null);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            if (!failure.isInstance(e)) {
                throw e;
            }
            problemsOf.apply(failure.cast(e)).forEach(p -> problems.add(key + " (" + value + "): " + p));
            return null;
        }
    }

    /** Records a problem found by the caller's own validation. */
    public void problem(String problem) {
        problems.add(problem);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** @throws ConfigException with every problem found, when there is any */
    public void done() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private Optional<String> raw(String key) {
        try {
            return settings.get(key);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return Optional.empty();
        }
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser, String expected) {
        Optional<String> value = raw(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(value.get());
        } catch (RuntimeException e) {
            String why = e instanceof NumberFormatException || e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
            problems.add(key + " must be " + expected + ", got '" + value.get() + "'" + why);
            return defaultValue;
        }
    }

    /** {@code 60s}, {@code 5m}, {@code 24h}, {@code 7d}, {@code 500ms}, an ISO-8601 {@code PT1M}, or plain seconds. */
    public static Duration parseDuration(String text) {
        return Durations.parse(text);
    }

    /** {@code 25MiB}, {@code 512KiB}, {@code 1GiB}, {@code 10MB} (read as MiB), or plain bytes. */
    public static long parseBytes(String text) {
        String v = text.trim().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?").matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit.charAt(0)) {
            case 'k' -> n * 1024;
            case 'm' -> n * 1024 * 1024;
            case 'g' -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }
}
