package dev.oversight.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests (kubernetes/*.yaml), validated offline against the Kubernetes API's own JSON schemas and
 * the Prometheus Operator's (npm kubernetes-models, through kubernetes-check/validate.mjs), and read for what the
 * schemas cannot say: every service probed on its real health routes, with resources, a Service, a
 * PodDisruptionBudget, and scraped by the ServiceMonitor.
 */
class KubernetesManifestsIT {

    private static final Path MANIFESTS = Path.of("kubernetes");
    private static final Path CHECK = Path.of("kubernetes-check");
    private static final List<String> SERVICES = List.of("ingest", "policy-stream", "rollback-worker", "report");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private record Run(int exitCode, String output) {}

    @BeforeAll
    static void installTheSchemas() {
        Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
        assertThat(install.exitCode()).as(install.output()).isZero();
    }

    @Test
    void everyManifestMatchesItsKubernetesSchema() throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        manifestFiles().forEach(f -> command.add(f.toAbsolutePath().toString()));
        Run valid = run(command);
        assertThat(valid.exitCode()).as(valid.output()).isZero();
        assertThat(valid.output().lines().filter(l -> l.endsWith(": valid")).count())
                .as(valid.output()).isEqualTo(documents().size());
    }

    @Test
    void aBrokenManifestIsRejected(@TempDir Path dir) throws IOException {
        // A port by name where the schema wants a number, a misspelt kind, and a ServiceMonitor's interval as a number.
        Path ingest = dir.resolve("ingest.yaml");
        Files.writeString(ingest, Files.readString(MANIFESTS.resolve("ingest.yaml"))
                .replace("containerPort: 8080", "containerPort: http")
                .replace("kind: PodDisruptionBudget", "kind: PodDisruptionBudgets"));
        Path monitor = dir.resolve("servicemonitor.yaml");
        Files.writeString(monitor, Files.readString(MANIFESTS.resolve("servicemonitor.yaml"))
                .replace("interval: 15s", "interval: 15"));
        Run invalid = run(List.of("node", "validate.mjs", ingest.toString(), monitor.toString()));
        assertThat(invalid.exitCode()).as(invalid.output()).isEqualTo(1);
        assertThat(invalid.output())
                .contains("Deployment/oversight-ingest: INVALID", "containerPort must be integer")
                .contains("no schema for apiVersion policy/v1, kind PodDisruptionBudgets")
                .contains("ServiceMonitor/oversight: INVALID", "interval must be string")
                .contains("Service/oversight-ingest: valid");
    }

    @Test
    void everyServiceIsProbedOnItsHealthRoutesWithResources() throws IOException {
        for (String service : SERVICES) {
            JsonNode workload = document(service, "Deployment", "StatefulSet");
            JsonNode container = workload.at("/spec/template/spec/containers/0");
            assertThat(container.at("/image").asText()).as(service).startsWith("oversight-" + service + ":");
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(service).isEqualTo("/health/ready");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(service).isEqualTo("/health/live");
            assertThat(container.at("/ports/0/containerPort").asInt()).as(service).isEqualTo(8080);
            assertThat(container.at("/resources/requests/memory").asText()).as(service).isNotEmpty();
            assertThat(container.at("/resources/limits/memory").asText()).as(service).isNotEmpty();
            assertThat(workload.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).as(service).isTrue();
            JsonNode podLabels = workload.at("/spec/template/metadata/labels");
            assertThat(selects(document(service, "PodDisruptionBudget").at("/spec/selector/matchLabels"), podLabels))
                    .as(service + ": its PodDisruptionBudget covers its pods").isTrue();
            JsonNode serviceObject = document(service, "Service");
            assertThat(selects(serviceObject.at("/spec/selector"), podLabels)).as(service + ": its Service").isTrue();
            JsonNode monitor = document("servicemonitor", "ServiceMonitor");
            assertThat(selects(monitor.at("/spec/selector/matchLabels"), serviceObject.at("/metadata/labels")))
                    .as(service + ": scraped by the ServiceMonitor").isTrue();
            assertThat(serviceObject.at("/metadata/labels").path(monitor.at("/spec/jobLabel").asText()).asText())
                    .as(service + ": its Prometheus job, as the alerting rules name it").isEqualTo(service);
        }
        assertThat(document("policy-stream", "StatefulSet").at("/spec/volumeClaimTemplates/0/metadata/name").asText())
                .as("policy-stream's state stores on a volume of their own").isEqualTo("data");
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        List<String> missing = new ArrayList<>();
        selector.fields().forEachRemaining(e -> {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                missing.add(e.getKey());
            }
        });
        return missing.isEmpty();
    }

    private static JsonNode document(String file, String... kinds) throws IOException {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                .readValues(MANIFESTS.resolve(file + ".yaml").toFile())) {
            for (JsonNode doc : docs.readAll()) {
                if (List.of(kinds).contains(doc.path("kind").asText())) {
                    return doc;
                }
            }
        }
        throw new AssertionError(file + ".yaml has no " + String.join(" or ", kinds));
    }

    private static List<JsonNode> documents() throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (Path file : manifestFiles()) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                all.addAll(docs.readAll());
            }
        }
        return all;
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Runs npm or node in kubernetes-check, with its output; fails the test if it cannot start or does not end. */
    private static Run run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(CHECK.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command) + " finished").isTrue();
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " (.ci/run installs Node.js and npm)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
