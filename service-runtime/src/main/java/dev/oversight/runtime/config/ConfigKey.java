package dev.oversight.runtime.config;

/**
 * A documented configuration key. Every service lists its keys, so {@code oversight config} and the README can
 * show them all with their defaults.
 *
 * @param defaultValue as shown to users; null when the key has no default
 * @param secret       never echoed back; may also come from {@code <name>_FILE}
 */
public record ConfigKey(String name, String defaultValue, String doc, boolean secret) {

    public static ConfigKey of(String name, String defaultValue, String doc) {
        return new ConfigKey(name, defaultValue, doc, false);
    }

    public static ConfigKey secret(String name, String doc) {
        return new ConfigKey(name, null, doc, true);
    }
}
