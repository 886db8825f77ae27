package dev.oversight.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files this module ships, as tests find them (the module's own directory). */
final class Shipped {

    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path DASHBOARDS = MODULE.resolve("grafana/dashboards");
    static final Path PROMETHEUS = MODULE.resolve("prometheus");
    static final Path ALERTMANAGER = MODULE.resolve("alertmanager");
    static final Path SCHEMA_CHECK = MODULE.resolve("schema-check");
    static final Path REPOSITORY = MODULE.getParent();

    private Shipped() {}

    static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel of a dashboard, rows' nested panels included (rows themselves left out). */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }
}
