package dev.oversight.events;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where a deploy's evidence page lives: {@code /deploys/<deployId>} under the address users reach Oversight at
 * ({@code OVERSIGHT_PUBLIC_URL}). The deploy id keeps its slashes, so the link reads like the id
 * ({@code /deploys/github:acme/payments/deployments/42}); each part between them is percent-encoded (UTF-8), so an
 * id with spaces, {@code #} or {@code ?} still makes one link. The report service serves exactly these paths, and
 * alerts link to them: a link once sent keeps working.
 */
public final class EvidencePages {

    public static final String PREFIX = "/deploys/";

    private EvidencePages() {}

    /** The page's path, percent-encoded. */
    public static String path(String deployId) {
        return PREFIX + Arrays.stream(deployId.split("/", -1))
                .map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20")
                        .replace("%3A", ":").replace("%40", "@"))
                .collect(Collectors.joining("/"));
    }

    /** The page's full address under {@code publicUrl} (which may have a path of its own and a trailing slash). */
    public static URI url(URI publicUrl, String deployId) {
        String base = publicUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path(deployId));
    }
}
