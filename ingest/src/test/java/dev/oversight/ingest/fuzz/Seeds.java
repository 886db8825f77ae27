package dev.oversight.ingest.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.ingest.Payloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The real payloads of the test resources (each folder's ORIGIN.md says where they come from): what is mutated. */
final class Seeds {

    /** One real payload: the route it goes to, the event (GitHub event, GitLab hook; null for the others), the body. */
    record Seed(Route route, String event, String resource, JsonNode body) {}

    /** Where a seed is sent. CloudEvents seeds are CDEvents, sent in any of the three modes. */
    enum Route { GITHUB, GITLAB, JENKINS, CDEVENTS }

    private static final Map<String, String> HUB4J = Map.ofEntries(
            Map.entry("pull_request.json", "pull_request"),
            Map.entry("pull_request_labeled.json", "pull_request"),
            Map.entry("pull_request_edited_base.json", "pull_request"),
            Map.entry("pull_request_review.json", "pull_request_review"),
            Map.entry("push.json", "push"),
            Map.entry("check-run.json", "check_run"),
            Map.entry("check-suite.json", "check_suite"),
            Map.entry("workflow_run.json", "workflow_run"),
            Map.entry("workflow_run_pull_request.json", "workflow_run"),
            Map.entry("workflow_run_other_repository.json", "workflow_run"),
            Map.entry("workflow_job.json", "workflow_job"),
            Map.entry("status.json", "status"),
            Map.entry("status2.json", "status"),
            Map.entry("deployment.json", "deployment"),
            Map.entry("deployment_status.json", "deployment_status"),
            Map.entry("ping.json", "ping"));
    private static final List<String> OCTOKIT = List.of("pull_request", "pull_request_review", "push", "check_run",
            "check_suite", "workflow_run", "workflow_job", "status", "deployment", "deployment_status", "ping");
    private static final Map<String, String> GITLAB = Map.ofEntries(
            Map.entry("go-gitlab/merge_request.json", "Merge Request Hook"),
            Map.entry("go-gitlab/deployment.json", "Deployment Hook"),
            Map.entry("go-gitlab/build.json", "Job Hook"),
            Map.entry("go-gitlab/job.json", "Job Hook"),
            Map.entry("go-gitlab/push.json", "Push Hook"),
            Map.entry("go-gitlab/pipeline.json", "Pipeline Hook"),
            Map.entry("gitlab4j/build-event.json", "Job Hook"),
            Map.entry("gitlab4j/job-event.json", "Job Hook"),
            Map.entry("gitlab4j/deployment-event.json", "Deployment Hook"),
            Map.entry("gitlab4j/pipeline-event.json", "Pipeline Hook"),
            Map.entry("gitlab4j/push-event.json", "Push Hook"),
            Map.entry("gitlab4j/merge-request-event.json", "Merge Request Hook"),
            Map.entry("docs/deployment.docs.json", "Deployment Hook"));

    private Seeds() {}

    /** Every real payload: GitHub (hub4j and octokit), GitLab, Jenkins, every CDEvents conformance example. */
    static List<Seed> all() {
        List<Seed> seeds = new ArrayList<>();
        HUB4J.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> seeds.add(new Seed(Route.GITHUB,
                e.getValue(), "github/hub4j/" + e.getKey(), Payloads.json("github/hub4j/" + e.getKey()))));
        for (String event : OCTOKIT) {
            List<JsonNode> examples = Payloads.octokit(event);
            for (int i = 0; i < examples.size(); i++) {
                seeds.add(new Seed(Route.GITHUB, event, "github/octokit/" + event + ".json#" + i, examples.get(i)));
            }
        }
        GITLAB.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> seeds.add(new Seed(Route.GITLAB,
                e.getValue(), "gitlab/" + e.getKey(), Payloads.json("gitlab/" + e.getKey()))));
        seeds.add(new Seed(Route.JENKINS, null, "jenkins/notification-plugin-example.json",
                Payloads.json("jenkins/notification-plugin-example.json")));
        for (String version : List.of("v0.4.1", "v0.5.1", "main")) {
            for (String file : files("/cdevents/" + version)) {
                String resource = "cdevents/" + version + "/" + file;
                seeds.add(new Seed(Route.CDEVENTS, null, resource, Payloads.json(resource)));
            }
        }
        return List.copyOf(seeds);
    }

    private static List<String> files(String folder) {
        try (Stream<Path> listing = Files.list(Path.of(Seeds.class.getResource(folder).toURI()))) {
            return listing.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
