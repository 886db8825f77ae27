package dev.oversight.report.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExportTest {

    @Test
    void csvFieldsAreQuotedOnlyWhenRfc4180AsksForIt() {
        assertThat(Export.csvField("plain")).isEqualTo("plain");
        assertThat(Export.csvField(null)).isEmpty();
        assertThat(Export.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(Export.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Export.csvField("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Export.csvField("cr\r")).isEqualTo("\"cr\r\"");
    }

    @Test
    void anyRowReadsBackAsItWasWritten() throws Exception {
        Random random = new Random(4180);
        String alphabet = "ab,\"\r\n ;é<";
        for (int n = 0; n < 500; n++) {
            String[] fields = new String[1 + random.nextInt(5)];
            for (int i = 0; i < fields.length; i++) {
                StringBuilder f = new StringBuilder();
                for (int k = random.nextInt(8); k > 0; k--) {
                    f.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                fields[i] = f.toString();
            }
            StringWriter out = new StringWriter();
            Export.csvRow(out, Arrays.asList(fields));
            assertThat(out.toString()).endsWith("\r\n");
            assertThat(dev.oversight.report.ReportFixture.parseCsv(out.toString()))
                    .containsExactly(Arrays.asList(fields));
        }
    }
}
