package dev.oversight.policy.file;

import java.util.List;

/** A policy file that cannot be used, with every problem in it (path and what is wrong), not only the first. */
public final class PolicyException extends RuntimeException {

    private final List<String> problems;

    public PolicyException(String source, List<String> problems) {
        super(source + " has " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
                + problems.stream().map(p -> "\n  - " + p).reduce("", String::concat));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
