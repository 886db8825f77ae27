package dev.oversight.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where configuration values come from, in order: explicit overrides (command-line flags), environment
 * variables, then the config file named by {@code OVERSIGHT_CONFIG_FILE} (Java properties, same keys). A key
 * {@code X} may also be given as {@code X_FILE}, the path of a file holding the value (for secrets).
 */
public final class Settings {

    /** Read from the environment only, before anything else: it names where the other values are. */
    public static final Setting<Optional<String>> CONFIG_FILE = Setting.optional("OVERSIGHT_CONFIG_FILE",
            "a Java properties file with any of these keys (environment only)");

    private static final String FILE_SUFFIX = "_FILE";

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Only the given values: what tests use. */
    public static Settings of(Map<String, String> values) {
        return new Settings(withoutNulls(values));
    }

    /** The process environment, over the config file when {@code OVERSIGHT_CONFIG_FILE} names one. */
    public static Settings fromEnvironment() {
        return layered(System.getenv());
    }

    /** The given environment over the config file it names. */
    public static Settings layered(Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>();
        String file = environment.get(CONFIG_FILE.name());
        if (file != null && !file.isBlank()) {
            merged.putAll(readProperties(Path.of(file)));
        }
        merged.putAll(withoutNulls(environment));
        return new Settings(merged);
    }

    /** These settings with the given values taking precedence (command-line flags). */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(values);
        merged.putAll(withoutNulls(overrides));
        return new Settings(merged);
    }

    /**
     * The value of a key: set directly, or read from the file named by {@code key_FILE}. Blank counts as unset.
     *
     * @throws IllegalArgumentException when {@code key_FILE} names a file that cannot be read
     */
    public Optional<String> get(String key) {
        String direct = values.get(key);
        if (direct != null && !direct.isBlank()) {
            return Optional.of(direct.trim());
        }
        String file = values.get(key + FILE_SUFFIX);
        if (file != null && !file.isBlank()) {
            try {
                String content = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).strip();
                return content.isEmpty() ? Optional.empty() : Optional.of(content);
            } catch (IOException e) {
                throw new IllegalArgumentException(key + FILE_SUFFIX + " names " + file.trim()
                        + ", which cannot be read: " + e);
            }
        }
        return Optional.empty();
    }

    /**
     * Every key set that starts with a prefix (pass-through client properties), each once whether it is given
     * directly or as {@code <key>_FILE}.
     */
    public Set<String> keysWithPrefix(String prefix) {
        Set<String> keys = new TreeSet<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && v != null && !v.isBlank()) {
                keys.add(k.endsWith(FILE_SUFFIX) ? k.substring(0, k.length() - FILE_SUFFIX.length()) : k);
            }
        });
        return keys;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(java.util.List.of(CONFIG_FILE.name() + " names " + file
                    + ", which cannot be read: " + e));
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    private static Map<String, String> withoutNulls(Map<String, String> values) {
        Map<String, String> copy = new HashMap<>();
        values.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
