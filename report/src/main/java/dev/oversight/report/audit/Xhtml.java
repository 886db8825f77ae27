package dev.oversight.report.audit;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Level;

/**
 * The audit package's pages, written as well-formed XHTML (one document serves the browser and, through
 * openhtmltopdf, the PDF): every text escaped, every element closed, styles inline in the head, no script.
 */
final class Xhtml {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            @page { size: A4; margin: 16mm 14mm; }
            body { font-family: 'DejaVu Sans', sans-serif; font-size: 9.5pt; color: #1b1f24; }
            h1 { font-size: 15pt; margin: 0 0 2mm 0; }
            h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm 0; border-bottom: 0.5pt solid #8c959f; }
            p.meta { color: #57606a; margin: 0 0 3mm 0; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 2mm; table-layout: fixed; }
            th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border-bottom: 0.4pt solid #d0d7de;
                     word-wrap: break-word; }
            th { background: #f6f8fa; font-weight: bold; }
            table.facts th { width: 30%; }
            td.num, th.num { text-align: right; }
            .mono { font-size: 8.5pt; }
            .mark { color: #a40e26; font-weight: bold; }
            .ok { color: #116329; font-weight: bold; }
            .bar { background: #2f6feb; height: 3mm; }
            .bar-bad { background: #cf222e; height: 3mm; }
            .big { font-size: 20pt; font-weight: bold; }
            """;

    static {
        // openhtmltopdf reports each rendering step at INFO through java.util.logging: only its warnings are news.
        for (String logger : XRLog.listRegisteredLoggers()) {
            XRLog.setLevel(logger, Level.WARNING);
        }
    }

    private final StringBuilder html = new StringBuilder(16 * 1024);

    Xhtml(String title) {
        html.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n")
                .append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"UTF-8\"/>")
                .append("<title>").append(escape(title)).append("</title><style>").append(STYLE)
                .append("</style></head><body>");
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // XML 1.0 allows no control characters but tab, line feed and carriage return.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    static String time(Instant at) {
        return at == null ? "–" : TIME.format(at);
    }

    /** An element with text content (escaped); {@code cls} may be null. */
    Xhtml text(String tag, String cls, String text) {
        html.append('<').append(tag);
        if (cls != null) {
            html.append(" class=\"").append(cls).append('"');
        }
        html.append('>').append(escape(text)).append("</").append(tag).append('>');
        return this;
    }

    /** Markup this class wrote itself (never text from the data). */
    Xhtml raw(String markup) {
        html.append(markup);
        return this;
    }

    /** A table of facts: one row per pair of label and value. */
    Xhtml facts(List<String[]> rows) {
        html.append("<table class=\"facts\">");
        for (String[] row : rows) {
            html.append("<tr><th>").append(escape(row[0])).append("</th><td");
            if (row.length > 2 && row[2] != null) {
                html.append(" class=\"").append(row[2]).append('"');
            }
            html.append('>').append(escape(row[1])).append("</td></tr>");
        }
        html.append("</table>");
        return this;
    }

    /** A table with a header row; an empty one says {@code none}. */
    Xhtml table(List<String> header, List<List<String>> rows, String none) {
        if (rows.isEmpty()) {
            return text("p", null, none);
        }
        html.append("<table><tr>");
        header.forEach(h -> html.append("<th>").append(escape(h)).append("</th>"));
        html.append("</tr>");
        for (List<String> row : rows) {
            html.append("<tr>");
            row.forEach(cell -> html.append("<td>").append(escape(cell)).append("</td>"));
            html.append("</tr>");
        }
        html.append("</table>");
        return this;
    }

    String done() {
        return html + "</body></html>\n";
    }

    /** The PDFs' font family, embedded in each PDF (only the letters it uses). */
    private static final String FONT = "DejaVu Sans";
    private static final String FONT_DIR = "/net/sf/jasperreports/fonts/dejavu/";
    private static final byte[] REGULAR = font("DejaVuSans.ttf");
    private static final byte[] BOLD = font("DejaVuSans-Bold.ttf");
    private static final byte[] OBLIQUE = font("DejaVuSans-Oblique.ttf");

    private static byte[] font(String file) {
        try (java.io.InputStream in = Xhtml.class.getResourceAsStream(FONT_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("the font " + file + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Renders a page made here as a PDF into {@code out} (left open). */
    static void pdf(String xhtml, OutputStream out) throws IOException {
        PdfRendererBuilder builder = new PdfRendererBuilder();
        builder.useFastMode();
        builder.useFont(() -> new java.io.ByteArrayInputStream(REGULAR), FONT, 400,
                PdfRendererBuilder.FontStyle.NORMAL, true);
        builder.useFont(() -> new java.io.ByteArrayInputStream(BOLD), FONT, 700,
                PdfRendererBuilder.FontStyle.NORMAL, true);
        builder.useFont(() -> new java.io.ByteArrayInputStream(OBLIQUE), FONT, 400,
                PdfRendererBuilder.FontStyle.ITALIC, true);
        builder.withHtmlContent(xhtml, null);
        builder.toStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        });
        builder.run();
    }
}
