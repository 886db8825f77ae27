package dev.oversight.policy.rules;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Glob patterns as policy files and CODEOWNERS use them: {@code *} matches within one path segment, {@code **}
 * across segments, {@code ?} one character. A pattern without a slash that starts a path rule matches that name in
 * any folder, as in CODEOWNERS. Repository patterns match case-insensitively.
 */
public final class Glob {

    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private Glob() {}

    /** Whether a value matches a pattern; a null pattern matches everything. */
    public static boolean matches(String pattern, String value) {
        if (pattern == null || pattern.equals("*") || pattern.equals("**")) {
            return true;
        }
        if (value == null) {
            return false;
        }
        return CACHE.computeIfAbsent(pattern, p -> Pattern.compile(toRegex(p), Pattern.CASE_INSENSITIVE))
                .matcher(value).matches();
    }

    /** CODEOWNERS-style: {@code payments/**}, {@code /db/migrations/}, {@code *.sql}. */
    public static boolean matchesPath(String pattern, String path) {
        String p = pattern.trim();
        String target = path.startsWith("/") ? path.substring(1) : path;
        if (p.startsWith("/")) {
            p = p.substring(1);
        } else if (!p.contains("/")) {
            p = "**/" + p;
        }
        if (p.endsWith("/")) {
            p = p + "**";
        }
        if (matches(p, target)) {
            return true;
        }
        // A folder pattern also covers everything below it ("docs" covers "docs/a.md").
        return !p.endsWith("**") && matches(p + "/**", target);
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                        i++;
                        regex.append("(?:.*/)?");
                    } else {
                        regex.append(".*");
                    }
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
