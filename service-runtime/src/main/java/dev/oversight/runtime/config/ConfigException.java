package dev.oversight.runtime.config;

import java.util.List;

/** Configuration that cannot be used, with every problem found, not only the first. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder text = new StringBuilder("configuration has ")
                .append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
        problems.forEach(p -> text.append("\n  - ").append(p));
        return text.toString();
    }
}
