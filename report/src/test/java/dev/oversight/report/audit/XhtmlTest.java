package dev.oversight.report.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/** The audit package's PDFs say what their pages say, whatever the script of a name. */
class XhtmlTest {

    @Test
    void namesInGreekCyrillicAndLatinExtendedReadBackFromThePdfAsWritten() throws Exception {
        List<String> names = List.of("Дмитрий Иванов", "Ἀλέξανδρος Ωμέγα", "Łukasz Żółć", "Zoë Ørsted", "Nguyễn Văn An");
        Xhtml page = new Xhtml("Evidence").text("h1", null, "Deploy of payments");
        for (String name : names) {
            page.text("p", "mark", "Approved by " + name);
        }
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        Xhtml.pdf(page.done(), pdf);
        String text;
        try (PDDocument document = Loader.loadPDF(pdf.toByteArray())) {
            text = new PDFTextStripper().getText(document);
        }
        assertThat(text).contains("Deploy of payments");
        for (String name : names) {
            assertThat(text).contains("Approved by " + name);
        }
    }
}
