package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.data.shapes.ShapesDataset;
import io.piip4j.detector.DetectionModels;
import io.piip4j.detector.MaskRcnn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shapes Mask R-CNN shipped in the jar: {@code piip eval} and {@code piip detect} use it without
 * {@code --config}/{@code --weights}, it still detects shapes it never saw, and it labels them by name.
 */
class BuiltInDetectorTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("examples/shapes-2024-8.png");

    /**
     * The done-when on held-out shapes (seed 777, as the recipe's validation set), but over its
     * first 20 images instead of 50 to keep the test short: the shipped weights give box AP 0.759 and
     * mask AP 0.741 there (0.734 / 0.697 over all 50).
     */
    @Test
    void evalWithoutConfigReachesBoxApOnHeldOutShapes() throws Exception {
        Path set = tmp.resolve("shapes-val");
        ShapesDataset.write(set, 20, 777, 256, n -> { });
        CliRun run = CliRun.of("eval", "--ann", set.resolve(ShapesDataset.ANNOTATIONS).toString(), "--images",
                set.resolve(ShapesDataset.IMAGES).toString(), "--out", tmp.resolve("results.json").toString(), "--quiet", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode report = MAPPER.readTree(run.out());
        assertEquals(20, report.get("evaluated_images").asInt());
        double boxAp = report.get("bbox").get("stats").get("AP").asDouble();
        double maskAp = report.get("segm").get("stats").get("AP").asDouble();
        assertTrue(boxAp >= 0.5, "box AP " + boxAp);
        assertTrue(maskAp >= 0.5, "mask AP " + maskAp);
    }

    /** The shipped example: three rings, a disc and a triangle behind one ring, named, each where it is drawn. */
    @Test
    void detectWithoutConfigNamesTheShapesOfTheExample() throws Exception {
        CliRun run = CliRun.of("detect", "--out", tmp.resolve("det").toString(), "--quiet", "--json", "--score", "0.9", EXAMPLE.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode found = MAPPER.readTree(run.out()).get(0).get("detections");
        // make-shapes --seed 2024 --size 256 (9 images or more), image 000008.png: its instances.json boxes (x1, y1, x2, y2)
        Object[][] truth = {{"ring", 185, 74, 228, 115}, {"disc", 138, 12, 220, 94}, {"ring", 0, 6, 72, 79},
            {"ring", 49, 156, 127, 233}, {"triangle", 179, 103, 225, 149}};
        assertEquals(truth.length, found.size(), found.toString());
        for (Object[] t : truth) {
            boolean matched = false;
            for (JsonNode d : found) {
                JsonNode b = d.get("box");
                matched |= d.get("class").asText().equals(t[0]) && iou(b, (int) t[1], (int) t[2], (int) t[3], (int) t[4]) >= 0.7;
            }
            assertTrue(matched, t[0] + " at " + t[1] + "," + t[2] + " not among " + found);
        }
        assertTrue(Files.isRegularFile(tmp.resolve("det").resolve("shapes-2024-8.png")));
    }

    @Test
    void theApiModelIsNamedAndLeavesNoTemporaryFile() throws IOException {
        long before = temporaryCopies();
        try (MaskRcnn model = DetectionModels.builtIn()) {
            assertEquals(List.of("disc", "square", "triangle", "ring"), model.classNames());
            assertEquals(List.of("disc", "square", "triangle", "ring"), model.newDetector().classNames());
            assertTrue(model.predictsMasks());
        }
        assertEquals(before, temporaryCopies(), "the weights' temporary copy is deleted once read");
    }

    @Test
    void weightsWithoutConfigAndTheReverseAreUsageErrors() {
        String weights = "src/main/resources/io/piip4j/default/shapes-maskrcnn.pth";
        CliRun run = CliRun.of("detect", "--weights", weights, "--out", tmp.toString(), EXAMPLE.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("--weights needs --config"), run.err());
        run = CliRun.of("eval", "--config", "recipes/shapes/piip-maskrcnn-tiny.json", "--ann", "a.json", "--images", tmp.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("--config needs --weights"), run.err());
        run = CliRun.of("eval", "--data", tmp.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("--data needs --config and --weights"), run.err());
    }

    /** A config whose classes do not fit its head is refused in one line naming both keys. */
    @Test
    void classesOfAnotherLengthNameTheKey() throws Exception {
        ObjectNode cfg = (ObjectNode) MAPPER.readTree(Path.of("recipes/shapes/piip-maskrcnn-tiny.json").toFile());
        ArrayNode three = cfg.putArray("classes").add("disc").add("square").add("triangle");
        Path file = tmp.resolve("three.json");
        MAPPER.writeValue(file.toFile(), cfg);
        CliRun run = CliRun.of("detect", "--config", file.toString(), "--weights", "src/main/resources/io/piip4j/default/shapes-maskrcnn.pth",
                "--out", tmp.resolve("det").toString(), EXAMPLE.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("piip: three.json: classes: 3 names, but model.roi_head.bbox_head.num_classes is 4", run.errorLine());
        assertEquals(3, three.size());
    }

    private static long temporaryCopies() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("piip-shapes-maskrcnn")).count();
        }
    }

    private static double iou(JsonNode b, int x1, int y1, int x2, int y2) {
        double ix = Math.max(0, Math.min(b.get(2).asDouble(), x2) - Math.max(b.get(0).asDouble(), x1));
        double iy = Math.max(0, Math.min(b.get(3).asDouble(), y2) - Math.max(b.get(1).asDouble(), y1));
        double inter = ix * iy;
        double a = (b.get(2).asDouble() - b.get(0).asDouble()) * (b.get(3).asDouble() - b.get(1).asDouble());
        return inter / (a + (double) (x2 - x1) * (y2 - y1) - inter);
    }
}
