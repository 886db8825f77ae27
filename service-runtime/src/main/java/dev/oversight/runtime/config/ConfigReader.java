package dev.oversight.runtime.config;

import dev.oversight.events.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link Setting}s out of {@link Settings} and collects every problem, so a service that cannot start says
 * everything that is wrong at once: {@link #get} each setting, then {@link #done()}.
 *
 * <p>Each setting is read once per reader: asked again, it gives the same value (the same object) without reporting
 * its problems again. So configurations that share a reader ({@code oversight up}) share what they have in common,
 * the policy among it.
 */
public final class ConfigReader {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?");

    private final Settings settings;
    private final Set<String> problems = new LinkedHashSet<>();
    private final Map<Setting<?>, Object> values = new LinkedHashMap<>();

    public ConfigReader(Settings settings) {
        this.settings = settings;
    }

    /** Reads a whole configuration with a reader of its own, then reports every problem found at once. */
    public static <T> T read(Settings settings, Function<ConfigReader, T> configuration) {
        ConfigReader config = new ConfigReader(settings);
        T result = configuration.apply(config);
        config.done();
        return result;
    }

    /** The setting's value, or its default when unset; when its text cannot be read, a problem is recorded. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (values.containsKey(setting)) {
            return (T) values.get(setting);
        }
        T value = setting.read(settings, problems::add);
        values.put(setting, value);
        return value;
    }

    /** A setting without a default that must be set; when it is not, a problem says why it is needed. */
    public <T> T required(Setting<Optional<T>> setting, String why) {
        Optional<T> value = get(setting);
        if (value.isEmpty()) {
            problems.add(setting.name() + " is not set: " + why);
            return null;
        }
        return value.get();
    }

    /** Where a setting's value came from, for a log line: the text given, or the default as shown. Never a secret. */
    public String source(Setting<?> setting) {
        if (setting.secret()) {
            return "(secret)";
        }
        return setting.text(settings, problems::add).orElseGet(() -> setting.shownDefault().orElse("-"));
    }

    /** Every setting this reader was asked for, in the order first asked. */
    public List<Setting<?>> asked() {
        return List.copyOf(values.keySet());
    }

    /** Records a problem found by the caller's own validation (one that involves several settings). */
    public void problem(String problem) {
        problems.add(problem);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** @throws ConfigException with every problem found, when there is any */
    public void done() {
        if (!problems.isEmpty()) {
            throw new ConfigException(List.copyOf(problems));
        }
    }

    /** {@code 60s}, {@code 5m}, {@code 24h}, {@code 7d}, {@code 500ms}, an ISO-8601 {@code PT1M}, or plain seconds. */
    public static Duration parseDuration(String text) {
        return Durations.parse(text);
    }

    /** {@code 25MiB}, {@code 512KiB}, {@code 1GiB}, {@code 10MB} (read as MiB), or plain bytes. */
    public static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
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

    /** A size in the largest unit that holds it whole ({@code 25MiB}); {@link #parseBytes} reads it back. */
    public static String showBytes(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long size = 1L << (10 * (units.length - i));
            if (bytes != 0 && bytes % size == 0) {
                return bytes / size + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
