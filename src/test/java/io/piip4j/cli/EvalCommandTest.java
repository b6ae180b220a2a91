package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code piip eval}: a classifier over an ImageNet-style folder; the refusal for dense models. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    private Path folder() throws Exception {
        Path images = Golden.require().resolveSibling("images");
        Path data = tmp.resolve("val");
        Files.createDirectories(data.resolve("n000_a"));
        Files.createDirectories(data.resolve("n001_b"));
        Files.copy(images.resolve("extreme_ironing.jpg"), data.resolve("n000_a/1.jpg"));
        Files.copy(images.resolve("waterview.jpg"), data.resolve("n000_a/2.jpg"));
        Files.copy(images.resolve("waterview.jpg"), data.resolve("n001_b/1.jpg"));
        return data;
    }

    private static String[] model(String name) {
        Path dir = Golden.require().resolve(name);
        return new String[] {"--config", dir.resolve("case.json").toString(), "--weights", dir.resolve("weights.pth").toString()};
    }

    @Test
    void accuraciesAgreeWithTheWrittenPredictions() throws Exception {
        Path data = folder();
        Path out = tmp.resolve("result.json");
        String[] m = model("cls2_deit_sephead");
        CliRun run = CliRun.of("eval", m[0], m[1], m[2], m[3], "--data", data.toString(), "--out", out.toString(), "--json",
                "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode o = new ObjectMapper().readTree(run.out());
        JsonNode file = new ObjectMapper().readTree(out.toFile());
        assertEquals(3, o.get("images").asInt());
        JsonNode preds = file.get("predictions");
        assertEquals(3, preds.size());
        int top1 = 0;
        int top5 = 0;
        for (JsonNode p : preds) {
            assertEquals(5, p.get("top").size());
            top1 += p.get("top").get(0).asInt() == p.get("label").asInt() ? 1 : 0;
            for (JsonNode c : p.get("top")) {
                top5 += c.asInt() == p.get("label").asInt() ? 1 : 0;
            }
        }
        assertEquals(top1 / 3.0, o.get("top1").asDouble(), 1e-15);
        assertEquals(top5 / 3.0, o.get("top5").asDouble(), 1e-15);
        assertEquals(2, o.get("classes").get(0).get("images").asInt());
        // no temporary file is left beside the result
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
        }
    }

    @Test
    void limitTakesImagesRoundRobinOverClasses() throws Exception {
        String[] m = model("cls2_deit_sephead");
        CliRun run = CliRun.of("eval", m[0], m[1], m[2], m[3], "--data", folder().toString(), "--limit", "2", "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("n000_a") && run.out().contains("n001_b"), run.out());
        assertTrue(run.out().contains("2 images: top-1"), run.out());
        assertEquals(2, CliRun.of("eval", m[0], m[1], m[2], m[3], "--data", "x", "--limit", "0").exitCode());
    }

    @Test
    void detectorsAreRefusedInOneLine() throws Exception {
        String[] m = model("det3_deit_window");
        CliRun run = CliRun.of("eval", m[0], m[1], m[2], m[3], "--data", folder().toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("not supported yet"), run.err());
    }
}
