package dev.oversight.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.RealKafka;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The report in a real headless Chromium, driven with Selenium WebDriver the way a manager would use it: the overview,
 * a filter applied, a link followed to a deploy's page, a CSV downloaded and its rows checked against the verdicts
 * topic. Each page is kept as a screenshot in {@code target/browser-screenshots/}. Needs Debian's {@code chromium} and
 * {@code chromium-driver} (.ci/run installs them); without them the test fails and says so.
 */
@ExtendWith(RealKafka.class)
class ReportBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

    @TempDir
    static Path dir;

    private static ReportFixture report;
    private static ChromeDriver browser;
    private static Path downloads;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the browser tests need Chromium at %s and its driver at %s: apt-get install -y "
                        + "--no-install-recommends chromium chromium-driver (.ci/run does)", CHROMIUM, CHROMEDRIVER)
                .isTrue();
        report = ReportFixture.start(dir, 80, Optional.empty());
        downloads = Files.createDirectories(dir.resolve("downloads"));
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1800");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        options.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (report != null) {
            report.close();
        }
    }

    @Test
    void aManagerFiltersFollowsADeployAndDownloadsTheCsv() throws Exception {
        browser.get(report.base() + "/overview");
        assertThat(browser.getTitle()).contains("Overview");
        assertThat(browser.findElement(By.id("rate")).getText()).endsWith("%");
        assertThat(browser.findElements(By.cssSelector("svg rect.bar"))).isNotEmpty();
        screenshot("overview");

        browser.findElement(By.linkText("Deploys")).click();
        new Select(browser.findElement(By.name("service"))).selectByValue("payments");
        browser.findElement(By.id("apply")).click();
        assertThat(browser.getCurrentUrl()).contains("service=payments");
        List<WebElement> rows = browser.findElements(By.cssSelector("#deploys tr td:nth-child(3)"));
        assertThat(rows).isNotEmpty().allSatisfy(cell -> assertThat(cell.getText()).isEqualTo("payments"));
        screenshot("deploys-payments");

        WebElement first = browser.findElement(By.cssSelector("#deploys a.deploy"));
        String deployId = first.getText();
        first.click();
        assertThat(browser.findElement(By.id("deploy-id")).getText()).isEqualTo(deployId);
        assertThat(browser.findElement(By.id("status")).getText())
                .isEqualTo(report.finalStatusesOnTheTopic().get(deployId));
        assertThat(browser.findElements(By.cssSelector("#revisions tr"))).hasSizeGreaterThan(1);
        screenshot("deploy");

        browser.navigate().back();
        browser.findElement(By.id("csv")).click();
        Path csv = downloads.resolve("deploys.csv");
        Await.until("the CSV download", () -> Files.exists(csv) && !Files.exists(downloads.resolve("deploys.csv.crdownload")),
                done -> done, Duration.ofSeconds(30));
        List<List<String>> lines = ReportFixture.parseCsv(Files.readString(csv, StandardCharsets.UTF_8));
        int id = lines.get(0).indexOf("deploy_id");
        int status = lines.get(0).indexOf("status");
        Map<String, String> downloaded = new HashMap<>();
        lines.subList(1, lines.size()).forEach(l -> downloaded.put(l.get(id), l.get(status)));
        Map<String, String> onTopic = new HashMap<>();
        report.finalStatusesOnTheTopic().forEach((deploy, s) -> {
            if (deploy.startsWith("github:acme/payments/")) {
                onTopic.put(deploy, s);
            }
        });
        assertThat(downloaded).isEqualTo(onTopic);

        browser.findElement(By.linkText("Exceptions")).click();
        assertThat(browser.findElements(By.cssSelector("#exceptions tr"))).hasSizeGreaterThan(1);
        screenshot("exceptions");
    }

    private static void screenshot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }
}
