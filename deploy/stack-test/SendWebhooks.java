import dev.oversight.launcher.GitHubPayloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The stack test's GitHub webhooks: one change and its production deploy, as GitHub posts them (the launcher's
 * GitHubPayloads: GitHub's own example payloads with the repository, people, commits and times set), signed with the
 * secret, to ingest's webhook URL. Prints the deploy's id. Compiled and run against the launcher's jars:
 * <pre>java -cp 'launcher/target/oversight-launcher.jar:launcher/target/lib/*' deploy/stack-test/SendWebhooks.java \
 *     URL SECRET OWNER/REPO NUMBER reviewed|self-approved</pre>
 * reviewed: approved by another person, its check passed (COMPLIANT); self-approved: approved only by its author
 * (a VIOLATION once the policy's grace is over, and an alert).
 */
public class SendWebhooks {

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !List.of("reviewed", "self-approved").contains(args[4])) {
            System.err.println("usage: SendWebhooks URL SECRET OWNER/REPO NUMBER reviewed|self-approved");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        String secret = args[1];
        GitHubPayloads github = new GitHubPayloads(args[2]);
        long number = Long.parseLong(args[3]);
        String author = "alice";
        String reviewer = args[4].equals("reviewed") ? "bob" : author;
        String head = sha(github.fullName() + "#" + number + "/head");
        String merge = sha(github.fullName() + "#" + number + "/merge");
        Instant now = Instant.now();
        List<GitHubPayloads.Delivery> deliveries = List.of(
                github.pullRequest("opened", number, "Change " + number, author, head, null, null, now.minusSeconds(600)),
                github.review(number, author, reviewer, "approved", head, now.minusSeconds(500)),
                github.pullRequest("closed", number, "Change " + number, author, head, merge, reviewer,
                        now.minusSeconds(400)),
                github.checkRun("build", merge, "success", now.minusSeconds(300)),
                github.deploymentStatus(number, merge, "production", "deployer", "success", now.minusSeconds(10)));
        HttpClient http = HttpClient.newHttpClient();
        for (GitHubPayloads.Delivery delivery : deliveries) {
            HttpResponse<String> response = http.send(delivery.request(url, secret), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                System.err.println(delivery.description() + ": " + url + " answered " + response.statusCode() + " "
                        + response.body());
                System.exit(1);
            }
        }
        System.out.println("github:" + github.fullName() + "/deployments/" + number);
    }

    private static String sha(String seed) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(seed.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }
}
