package dev.oversight.launcher;

import dev.oversight.report.ReportConfig;

/** The report's line in the banners of `up` and the demo: where its pages are and who may read them. */
final class ReportBanner {

    private ReportBanner() {}

    /** @param base the base URL the banner prints, {@code http://host:port} */
    static String describe(String base, ReportConfig report) {
        String url = base + "/overview";
        String who = report.token().isPresent()
                ? "token-protected: log in with " + ReportConfig.TOKEN.name() + " or send it as a bearer token"
                : "loopback only: set " + ReportConfig.TOKEN.name() + " to open it to others";
        return String.format("%-42s (%s)", url, who);
    }
}
