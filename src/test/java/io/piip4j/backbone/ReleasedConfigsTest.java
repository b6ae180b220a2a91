package io.piip4j.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Parameter;
import io.piip4j.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every released configuration ({@code ../shared/reference/configs}) is read and its module tree
 * built without allocating a weight, 6B-scale ones included; the parameter totals equal the
 * official builds' counts in {@code param_counts.json} exactly, for every config it has a count for.
 */
class ReleasedConfigsTest {

    private static Path reference() {
        return Golden.require().resolveSibling("reference");
    }

    static Stream<String> configs() throws IOException {
        if (Golden.root().isEmpty()) {
            return Stream.of(Golden.ABSENT);
        }
        List<String> out = new ArrayList<>();
        for (String task : List.of("classification", "detection", "segmentation")) {
            try (Stream<Path> files = Files.list(Golden.root().get().resolveSibling("reference").resolve("configs").resolve(task))) {
                files.filter(f -> f.toString().endsWith(".json")).sorted()
                        .forEach(f -> out.add(task + "/" + f.getFileName().toString().replace(".json", "")));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void buildsWithoutAllocating(String name) {
        PiipConfig cfg = ConfigReader.read(reference().resolve("configs").resolve(name + ".json"));
        try (PiipNetwork net = PiipNetwork.structure(cfg)) {
            Map<String, Parameter> params = net.namedParameters();
            assertFalse(params.isEmpty());
            assertTrue(params.values().stream().noneMatch(Parameter::isSet), "no weight is allocated");
            assertTrue(net.numParameters() > 0);
        }
    }

    @Test
    void totalsEqualTheOfficialBuilds() throws IOException {
        JsonNode counts = new ObjectMapper().readTree(reference().resolve("param_counts.json").toFile()).get("counts");
        assertTrue(counts.size() >= 29, "param_counts.json lists " + counts.size() + " configs");
        List<String> wrong = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            PiipConfig cfg = ConfigReader.read(reference().resolve("configs").resolve(e.getKey() + ".json"));
            try (PiipNetwork net = PiipNetwork.structure(cfg)) {
                if (net.numParameters() != e.getValue().asLong()) {
                    wrong.add(e.getKey() + ": " + net.numParameters() + " (official " + e.getValue().asLong() + ")");
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
