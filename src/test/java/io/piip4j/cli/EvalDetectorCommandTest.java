package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.detector.CocoDetections;
import io.piip4j.testing.Golden;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code piip eval --ann --images}: the golden (random, tiny) Mask R-CNN over a two-photo COCO set;
 * its AP must be what {@code piip coco-eval --mmdet} computes from the results file it writes.
 */
class EvalDetectorCommandTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A COCO set of the two shared photos (ids 1, 2; extra images appended), two objects each, the 80 COCO categories. */
    private Path annotations(String... extraFiles) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode images = root.putArray("images");
        ArrayNode anns = root.putArray("annotations");
        ArrayNode cats = root.putArray("categories");
        for (int id = 1; id <= 90; id++) {
            if (CocoDetections.label(id) >= 0) {
                cats.addObject().put("id", id).put("name", "c" + id);
            }
        }
        List<String> photos = List.of("extreme_ironing.jpg", "waterview.jpg");
        int annId = 1;
        for (int i = 0; i < photos.size(); i++) {
            Path src = Golden.shared("images", photos.get(i));
            Files.copy(src, dir.resolve(photos.get(i)));
            BufferedImage img = ImageIO.read(src.toFile());
            int w = img.getWidth();
            int h = img.getHeight();
            images.addObject().put("id", i + 1).put("file_name", photos.get(i)).put("width", w).put("height", h);
            // a box with its rectangle polygon, and a triangle
            int[][] boxes = {{w / 8, h / 6, w / 3, h / 2}, {w / 2, h / 3, w / 4, h / 3}};
            int[] catIds = {1, i == 0 ? 3 : 9};
            for (int k = 0; k < 2; k++) {
                int[] b = boxes[k];
                ObjectNode a = anns.addObject().put("id", annId++).put("image_id", i + 1).put("category_id", catIds[k]).put("iscrowd", 0);
                a.putArray("bbox").add(b[0]).add(b[1]).add(b[2]).add(b[3]);
                ArrayNode poly = a.putArray("segmentation").addArray();
                if (k == 0) {
                    poly.add(b[0]).add(b[1]).add(b[0] + b[2]).add(b[1]).add(b[0] + b[2]).add(b[1] + b[3]).add(b[0]).add(b[1] + b[3]);
                    a.put("area", b[2] * b[3]);
                } else {
                    poly.add(b[0]).add(b[1] + b[3]).add(b[0] + b[2]).add(b[1] + b[3]).add(b[0] + b[2] / 2).add(b[1]);
                    a.put("area", b[2] * b[3] / 2);
                }
            }
        }
        for (int i = 0; i < extraFiles.length; i++) {
            images.addObject().put("id", photos.size() + i + 1).put("file_name", extraFiles[i]).put("width", 570).put("height", 380);
        }
        Path ann = tmp.resolve("instances.json");
        MAPPER.writeValue(ann.toFile(), root);
        return ann;
    }

    private static String[] eval(Path ann, String... more) {
        Path dir = Golden.file("maskrcnn_det3_deit_window_b2_c");
        return Stream.concat(Stream.of("eval", "--config", dir.resolve("case.json").toString(), "--weights",
                dir.resolve("weights.pth").toString(), "--ann", ann.toString(), "--images", ann.resolveSibling("images").toString(),
                "--quiet"), Arrays.stream(more)).toArray(String[]::new);
    }

    @Test
    void apIsWhatCocoEvalMmdetComputesFromTheWrittenResults() throws Exception {
        Path ann = annotations();
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of(eval(ann, "--out", out.toString()));
        assertEquals(0, run.exitCode(), run.err());
        Path results = out.resolve("results.json");
        JsonNode written = MAPPER.readTree(results.toFile());
        assertTrue(written.isArray() && written.size() > 0, "the random detector finds something");
        assertTrue(run.out().startsWith(results + ": " + written.size() + " detections of 2 images"), run.out());
        assertTrue(run.out().contains("Evaluating bbox...") && run.out().contains("Evaluating segm..."), run.out());
        assertEquals(24, run.out().lines().filter(l -> l.startsWith(" Average ")).count(), run.out());
        assertTrue(run.out().contains("c1 "), "per-category table: " + run.out());
        for (String type : List.of("bbox", "segm")) {
            CliRun coco = CliRun.of("coco-eval", "--ann", ann.toString(), "--results", results.toString(), "--iou-type", type, "--mmdet");
            assertEquals(0, coco.exitCode(), coco.err());
            List<String> lines = coco.out().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(12 + 7, lines.size(), coco.out());
            for (String line : lines) {
                assertTrue(run.out().contains(line + "\n"), type + ": " + line + " missing from\n" + run.out());
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }

        // the JSON report, written to a file name: the same stats, to the bit, as coco-eval --mmdet --json
        Path file = tmp.resolve("res.json");
        CliRun jrun = CliRun.of(eval(ann, "--out", file.toString(), "--json"));
        assertEquals(0, jrun.exitCode(), jrun.err());
        JsonNode report = MAPPER.readTree(jrun.out());
        assertEquals(2, report.get("evaluated_images").asInt());
        assertEquals(0, report.get("failed_images").asInt());
        assertEquals(written, MAPPER.readTree(file.toFile()), "the same detections both times");
        for (String type : List.of("bbox", "segm")) {
            CliRun coco = CliRun.of("coco-eval", "--ann", ann.toString(), "--results", file.toString(), "--iou-type", type, "--mmdet", "--json");
            JsonNode expected = MAPPER.readTree(coco.out());
            JsonNode actual = report.get(type);
            for (String key : List.of("iou_type", "settings", "max_dets", "stats", "mmdet", "per_category_ap", "summary")) {
                assertEquals(expected.get(key), actual.get(key), type + "." + key);
            }
        }
    }

    @Test
    void anUnreadableImageIsOneLineAndSkipped() throws Exception {
        Path ann = annotations("cut.jpg");
        byte[] jpeg = Files.readAllBytes(ann.resolveSibling("images").resolve("extreme_ironing.jpg"));
        Files.write(ann.resolveSibling("images").resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Path results = tmp.resolve("r.json");
        CliRun run = CliRun.of(eval(ann, "--out", results.toString()));
        assertEquals(1, run.exitCode(), run.err());
        List<String> errors = run.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(2, errors.size(), run.err());
        assertTrue(errors.get(0).startsWith("piip: " + ann.resolveSibling("images").resolve("cut.jpg") + ": truncated JPEG"), errors.get(0));
        assertEquals("piip: 1 of 3 images failed", errors.get(1));
        assertFalse(run.err().contains("\tat "));
        assertEquals(24, run.out().lines().filter(l -> l.startsWith(" Average ")).count(), run.out());
        for (JsonNode r : MAPPER.readTree(results.toFile())) {
            assertTrue(r.get("image_id").asLong() <= 2);
        }

        // --limit 1: the first image by id only, evaluated alone
        CliRun one = CliRun.of(eval(ann, "--out", results.toString(), "--limit", "1", "--json"));
        assertEquals(0, one.exitCode(), one.err());
        assertEquals(1, MAPPER.readTree(one.out()).get("evaluated_images").asInt());
        for (JsonNode r : MAPPER.readTree(results.toFile())) {
            assertEquals(1, r.get("image_id").asLong());
        }
    }

    @Test
    void categoriesTheDetectorPredictsMustBeInTheAnnotationFile() throws Exception {
        Path ann = tmp.resolve("few.json");
        Files.createDirectories(tmp.resolve("images"));
        Files.writeString(ann, """
                {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
                 "categories": [{"id": 1, "name": "person"}], "annotations": []}
                """);
        CliRun run = CliRun.of(eval(ann));
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("few.json: has no category 2"), run.err());
    }

    @Test
    void dataAndAnnExcludeEachOther() {
        CliRun run = CliRun.of("eval", "--config", "c.json", "--weights", "w.pth", "--data", "val", "--ann", "a.json", "--images", "img");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("exclude each other"), run.err());
        run = CliRun.of("eval", "--config", "c.json", "--weights", "w.pth", "--ann", "a.json");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--ann needs --images"), run.err());
        run = CliRun.of("eval", "--config", "c.json", "--weights", "w.pth");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("give --data DIR"), run.err());
    }
}
