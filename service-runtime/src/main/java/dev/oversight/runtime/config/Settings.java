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

/**
 * Where configuration values come from, in order: explicit overrides (command-line flags), environment
 * variables, then the config file named by {@code OVERSIGHT_CONFIG_FILE} (Java properties, same keys). A key
 * {@code X} may also be given as {@code X_FILE}, the path of a file holding the value (for secrets).
 */
public final class Settings {

    public static final String CONFIG_FILE = "OVERSIGHT_CONFIG_FILE";

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
        String file = environment.get(CONFIG_FILE);
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
        String file = values.get(key + "_FILE");
        if (file != null && !file.isBlank()) {
            try {
                String content = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).strip();
                return content.isEmpty() ? Optional.empty() : Optional.of(content);
            } catch (IOException e) {
                throw new IllegalArgumentException(key + "_FILE names " + file.trim() + ", which cannot be read: " + e);
            }
        }
        return Optional.empty();
    }

    /** All keys that start with a prefix, with their values (for pass-through client properties). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> found = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && v != null && !v.isBlank()) {
                found.put(k, v.trim());
            }
        });
        return found;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(java.util.List.of(CONFIG_FILE + " names " + file + ", which cannot be read: " + e));
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
