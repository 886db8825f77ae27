package dev.oversight.runtime.config;

import dev.oversight.events.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One configuration key, declared once: its name, how its text is read (so its type and the values it allows), its
 * default, how that default is shown, a one-line doc, and whether its value is a secret. {@link ConfigReader#get}
 * reads it; {@code oversight config} lists it from the same declaration, so the default shown is the default used.
 *
 * <p>A setting is its own identity (a reader remembers each one it read); {@link #toString()} is its name, so a
 * problem can be written {@code KEY + " must …"}.
 *
 * @param <T> the value a reader gives; {@code Optional} for a setting that has no default
 */
public final class Setting<T> {

    private final String name;
    private final String doc;
    private final boolean secret;
    private final Supplier<T> defaultValue;
    private final String shownDefault;
    private final boolean showsDefaultValue;
    private final Reading<T> reading;

    /** How a setting's value is found in the settings; every problem is reported, none thrown. */
    @FunctionalInterface
    private interface Reading<T> {
        T read(Setting<T> setting, Settings settings, Consumer<String> problems);
    }

    private Setting(String name, String doc, boolean secret, Supplier<T> defaultValue, String shownDefault,
                    boolean showsDefaultValue, Reading<T> reading) {
        this.name = name;
        this.doc = doc;
        this.secret = secret;
        this.defaultValue = defaultValue;
        this.shownDefault = shownDefault;
        this.showsDefaultValue = showsDefaultValue;
        this.reading = reading;
    }

    /** Text, {@code defaultValue} when unset. */
    public static Setting<String> string(String name, String defaultValue, String doc) {
        return value(name, doc, defaultValue, text -> text, text -> text, "text");
    }

    /** Text whose default is worked out when it is read (the host name), shown as {@code shownDefault}. */
    public static Setting<String> string(String name, String shownDefault, Supplier<String> defaultValue, String doc) {
        return new Setting<>(name, doc, false, defaultValue, shownDefault, false, parsed(text -> text, "text"));
    }

    /** Text with no default: empty when unset. */
    public static Setting<Optional<String>> optional(String name, String doc) {
        return optional(name, doc, text -> text, "text");
    }

    /** A secret: never shown, in a problem nor by {@code oversight config}; may be given as {@code <NAME>_FILE}. */
    public static Setting<Optional<String>> secret(String name, String doc) {
        return optional(name, doc).asSecret();
    }

    /** A comma-separated list (names; secrets, several during a rotation); empty when unset. */
    public static Setting<List<String>> list(String name, String doc) {
        return new Setting<>(name, doc, false, List::of, null, false, parsed(
                text -> Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(), "a list"));
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return value(name, doc, defaultValue, String::valueOf, within(Integer::parseInt, min, max, String::valueOf),
                "a whole number");
    }

    public static Setting<Integer> port(String name, int defaultValue, String doc) {
        return integer(name, defaultValue, 0, 65535, doc);
    }

    /** A size such as {@code 25MiB}, at least {@code min} bytes. */
    public static Setting<Long> bytes(String name, long defaultValue, long min, String doc) {
        return value(name, doc, defaultValue, ConfigReader::showBytes,
                within(ConfigReader::parseBytes, min, null, ConfigReader::showBytes),
                "a size such as 25MiB, 512KiB or 1048576");
    }

    public static Setting<Duration> duration(String name, Duration defaultValue, String doc) {
        return duration(name, defaultValue, null, null, doc);
    }

    /** A duration from {@code min} to {@code max}; either bound may be null (none). */
    public static Setting<Duration> duration(String name, Duration defaultValue, Duration min, Duration max,
                                             String doc) {
        return value(name, doc, defaultValue, Durations::format,
                within(ConfigReader::parseDuration, min, max, Durations::format),
                "a duration such as 60s, 5m, 24h or 500ms");
    }

    public static Setting<Boolean> bool(String name, boolean defaultValue, String doc) {
        return value(name, doc, defaultValue, String::valueOf, text -> {
            if (text.equalsIgnoreCase("true") || text.equals("1") || text.equalsIgnoreCase("yes")) {
                return true;
            }
            if (text.equalsIgnoreCase("false") || text.equals("0") || text.equalsIgnoreCase("no")) {
                return false;
            }
            throw new IllegalArgumentException("not a boolean");
        }, "true or false");
    }

    /** An http(s) URL; empty when unset. */
    public static Setting<Optional<URI>> url(String name, String doc) {
        return optional(name, doc, Setting::parseUrl, "an http:// or https:// URL");
    }

    /** An http(s) URL, {@code defaultValue} when unset. */
    public static Setting<URI> url(String name, URI defaultValue, String doc) {
        return value(name, doc, defaultValue, URI::toString, Setting::parseUrl, "an http:// or https:// URL");
    }

    public static Setting<Path> path(String name, Path defaultValue, String doc) {
        return value(name, doc, defaultValue, Path::toString, Path::of, "a path");
    }

    /**
     * A value loaded by a loader that may find several problems at once (a policy file): the loader gets the text,
     * or null when the key is unset (and then gives the default, shown as {@code shownDefault}). Each problem it
     * reports through an exception of the given type is recorded as {@code KEY (text): problem}, and the value is
     * then null.
     */
    public static <T, E extends RuntimeException> Setting<T> loaded(String name, String shownDefault,
                                                                    Function<String, T> loadOrDefault,
                                                                    Class<E> failure,
                                                                    Function<E, List<String>> problemsOf, String doc) {
        return new Setting<>(name, doc, false, () -> loadOrDefault.apply(null), shownDefault, false,
                (setting, settings, problems) -> {
                    String text = text(setting.name, settings, problems).orElse(null);
                    try {
                        return loadOrDefault.apply(text);
                    } catch (RuntimeException e) {
                        if (!failure.isInstance(e)) {
                            throw e;
                        }
                        problemsOf.apply(failure.cast(e))
                                .forEach(p -> problems.accept(setting.name + " (" + text + "): " + p));
                        return null;
                    }
                });
    }

    /**
     * Every key that starts with {@code prefix} (pass-through properties), by what follows the prefix; a key may be
     * given as {@code <KEY>_FILE}. Listed as {@code <prefix><PROPERTY>}.
     */
    public static Setting<Map<String, String>> prefixed(String prefix, String doc) {
        return new Setting<>(prefix + "<PROPERTY>", doc, false, Map::of, null, false, (setting, settings, problems) -> {
            Map<String, String> found = new TreeMap<>();
            for (String key : settings.keysWithPrefix(prefix)) {
                text(key, settings, problems).ifPresent(value -> found.put(key.substring(prefix.length()), value));
            }
            return Map.copyOf(found);
        });
    }

    /** This setting as a secret: its value is never repeated in a problem; it may come from {@code <NAME>_FILE}. */
    public Setting<T> asSecret() {
        return new Setting<>(name, doc, true, defaultValue, shownDefault, showsDefaultValue, reading);
    }

    public String name() {
        return name;
    }

    public String doc() {
        return doc;
    }

    public boolean secret() {
        return secret;
    }

    /** The value a reader gives when the key is unset. */
    public T defaultValue() {
        return defaultValue.get();
    }

    /** The default as {@code oversight config} shows it; empty when there is none to show. */
    public Optional<String> shownDefault() {
        return Optional.ofNullable(shownDefault);
    }

    /**
     * Whether the default is shown as the value itself, written as a user would write it (so that reading the shown
     * text gives the default); false when it is described instead ("the host name") or there is none.
     */
    public boolean showsDefaultValue() {
        return showsDefaultValue;
    }

    /** The key's name. */
    @Override
    public String toString() {
        return name;
    }

    T read(Settings settings, Consumer<String> problems) {
        return reading.read(this, settings, problems);
    }

    /** The text given for this key, or empty when it is unset or its {@code _FILE} cannot be read (a problem). */
    Optional<String> text(Settings settings, Consumer<String> problems) {
        return text(name, settings, problems);
    }

    private static Optional<String> text(String key, Settings settings, Consumer<String> problems) {
        try {
            return settings.get(key);
        } catch (IllegalArgumentException e) {
            problems.accept(e.getMessage());
            return Optional.empty();
        }
    }

    private static <T> Setting<T> value(String name, String doc, T defaultValue, Function<T, String> show,
                                        Function<String, T> parse, String expected) {
        return new Setting<>(name, doc, false, () -> defaultValue, show.apply(defaultValue), true,
                parsed(parse, expected));
    }

    private static <T> Setting<Optional<T>> optional(String name, String doc, Function<String, T> parse,
                                                     String expected) {
        return new Setting<>(name, doc, false, Optional::empty, null, false,
                parsed(text -> Optional.of(parse.apply(text)), expected));
    }

    /**
     * Reads the text with {@code parse}; what it cannot read is reported as {@code KEY must be <expected>, got
     * '<text>' (<why>)} (a secret's text is not repeated), and the value is then the default.
     */
    private static <T> Reading<T> parsed(Function<String, T> parse, String expected) {
        return (setting, settings, problems) -> {
            Optional<String> text = setting.text(settings, problems);
            if (text.isEmpty()) {
                return setting.defaultValue();
            }
            try {
                return parse.apply(text.get());
            } catch (RuntimeException e) {
                String why = e instanceof NumberFormatException || e.getMessage() == null
                        ? "" : " (" + e.getMessage() + ")";
                problems.accept(setting.name + " must be " + expected + (setting.secret
                        ? " (its value is a secret and is not shown)"
                        : ", got '" + text.get() + "'" + why));
                return setting.defaultValue();
            }
        };
    }

    /** {@code parse}, then the bounds (either may be null: none), said as the user would write them. */
    private static <T extends Comparable<? super T>> Function<String, T> within(Function<String, T> parse, T min, T max,
                                                                               Function<T, String> show) {
        return text -> {
            T value = parse.apply(text);
            if (min != null && value.compareTo(min) < 0 || max != null && value.compareTo(max) > 0) {
                throw new IllegalArgumentException(max == null ? "must be at least " + show.apply(min)
                        : min == null ? "must be at most " + show.apply(max)
                        : "must be between " + show.apply(min) + " and " + show.apply(max));
            }
            return value;
        };
    }

    private static URI parseUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException((String) null);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException((String) null);
        }
        return uri;
    }
}
