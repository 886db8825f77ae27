package dev.oversight.ingest;

import dev.oversight.events.Source;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Repository ids for sources that name a repository only by URL (Jenkins' SCM URL, a CDEvents repository, an Argo
 * CD application's repoURL), so that their evidence meets the GitHub or GitLab evidence of the same repository:
 * <ul>
 *   <li>a URL on {@code github.com} (or a host named {@code github.*}) → {@code github:owner/name};</li>
 *   <li>a URL on {@code gitlab.com} (or a host named {@code gitlab.*}) → {@code gitlab:group/sub/project};</li>
 *   <li>an id already in that form ({@code github:…}, {@code gitlab:…}) is kept;</li>
 *   <li>anything else → the URL itself, without a trailing {@code .git} or {@code /}.</li>
 * </ul>
 * SSH forms ({@code git@github.com:owner/name.git}, {@code ssh://git@host/…}) are read too.
 */
public final class RepositoryIds {

    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@([\\w.-]+):(?!//)(.+)$");
    private static final Pattern ALREADY_AN_ID = Pattern.compile("^(github|gitlab):[^/\\s].*");

    private RepositoryIds() {}

    public static String fromUrl(String url) {
        String value = url.trim();
        if (ALREADY_AN_ID.matcher(value).matches()) {
            return value;
        }
        String host;
        String path;
        Matcher scp = SCP_LIKE.matcher(value);
        if (scp.matches()) {
            host = scp.group(1);
            path = scp.group(2);
        } else {
            try {
                URI uri = new URI(value);
                host = uri.getHost();
                path = uri.getPath();
            } catch (URISyntaxException e) {
                return trimmed(value);
            }
        }
        if (host == null || path == null) {
            return trimmed(value);
        }
        host = host.toLowerCase(Locale.ROOT);
        path = trimmed(path.startsWith("/") ? path.substring(1) : path);
        int gitlabSuffix = path.indexOf("/-/");
        if (gitlabSuffix >= 0) {
            path = path.substring(0, gitlabSuffix);
        }
        if (isHost(host, "github")) {
            String[] parts = path.split("/");
            if (parts.length >= 2) {
                return Source.GITHUB.id() + ":" + parts[0] + "/" + parts[1];
            }
        } else if (isHost(host, "gitlab") && path.contains("/")) {
            return Source.GITLAB.id() + ":" + path;
        }
        return trimmed(value);
    }

    private static boolean isHost(String host, String name) {
        return host.equals(name + ".com") || host.equals("www." + name + ".com") || host.startsWith(name + ".");
    }

    private static String trimmed(String value) {
        String v = value;
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.endsWith(".git")) {
            v = v.substring(0, v.length() - 4);
        }
        return v;
    }
}
