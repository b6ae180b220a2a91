package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.detector.CocoDetections;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on the golden (random, tiny) DINO: forward's per-image files, detect on the photos, eval's box AP. */
class DinoCommandsTest {
    private static final String CASE = "dino_det3_deit_window_b2_c";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void forwardWritesDetectionsAndTheirQueriesPerImage() {
        Path dir = Golden.require().resolve(CASE);
        CliRun run = CliRun.of("forward", "--config", dir.resolve("case.json").toString(), "--weights",
                dir.resolve("weights.pth").toString(), "--input", dir.resolve("io.pth").toString(), "--output-dir", tmp.toString());
        assertEquals(0, run.exitCode(), run.err());
        Map<String, Object> out = Golden.map(Golden.map(PthReader.read(dir.resolve("io.pth"))).get("output"));
        for (int i = 0; i < 2; i++) {
            NdArray boxes = Npy.read(tmp.resolve("det_bboxes_" + i + ".npy"));
            NdArray labels = Npy.read(tmp.resolve("det_labels_" + i + ".npy"));
            NdArray queries = Npy.read(tmp.resolve("det_query_index_" + i + ".npy"));
            assertEquals(DType.INT64, labels.dtype());
            assertEquals(DType.INT64, queries.dtype());
            float[] rb = ((NdArray) ((List<?>) out.get("det_bboxes")).get(i)).toFloats();
            float[] rl = ((NdArray) ((List<?>) out.get("det_labels")).get(i)).toFloats();
            float[] rq = ((NdArray) ((List<?>) out.get("det_query_index")).get(i)).toFloats();
            Map<Long, Integer> refRow = new HashMap<>();
            double scale = 1;
            for (int k = 0; k < rl.length; k++) {
                refRow.put((long) rq[k] * 1000 + (long) rl[k], k);
                for (int c = 0; c < 5; c++) {
                    scale = Math.max(scale, Math.abs(rb[5 * k + c]));
                }
            }
            float[] b = boxes.toFloats();
            float[] l = labels.toFloats();
            float[] q = queries.toFloats();
            assertEquals(rl.length, l.length, "detections of image " + i);
            for (int k = 0; k < l.length; k++) {
                Integer j = refRow.get((long) q[k] * 1000 + (long) l[k]);
                assertTrue(j != null, "(query " + q[k] + ", label " + l[k] + ") is one of the reference's");
                for (int c = 0; c < 5; c++) {
                    assertTrue(Math.abs(b[5 * k + c] - rb[5 * j + c]) <= 1e-4 * scale, "box value within the bound");
                }
            }
        }
        assertFalse(Files.exists(tmp.resolve("masks_0.npy")));
        assertFalse(Files.exists(tmp.resolve("output_0.npy")));
    }

    @Test
    void detectDrawsThePhotosAndWritesBoxResults() throws Exception {
        Path dir = Golden.require().resolve(CASE);
        Path ironing = Golden.shared("images", "extreme_ironing.jpg");
        Path water = Golden.shared("images", "waterview.jpg");
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("detect", "--config", dir.resolve("case.json").toString(), "--weights",
                dir.resolve("weights.pth").toString(), "--out", out.toString(), "--quiet", "--score", "0.5", ironing.toString(),
                water.toString());
        assertEquals(0, run.exitCode(), run.err());
        for (Path img : List.of(ironing, water)) {
            BufferedImage src = ImageIO.read(img.toFile());
            BufferedImage drawn = ImageIO.read(out.resolve(img.getFileName().toString().replace(".jpg", ".png")).toFile());
            assertEquals(src.getWidth(), drawn.getWidth());
            assertEquals(src.getHeight(), drawn.getHeight());
        }
        JsonNode results = MAPPER.readTree(out.resolve("results.json").toFile());
        Map<Long, Integer> perImage = new HashMap<>();
        for (JsonNode r : results) {
            perImage.merge(r.get("image_id").asLong(), 1, Integer::sum);
            assertFalse(r.has("segmentation"), "DINO has no masks");
            int id = r.get("category_id").asInt();
            assertTrue(CocoDetections.label(id) >= 0, "a COCO category: " + id);
            JsonNode b = r.get("bbox");
            assertTrue(b.get(2).asDouble() >= 0 && b.get(3).asDouble() >= 0);
        }
        assertEquals(Map.of(1L, 300, 2L, 300), perImage, "max_per_img (query, class) pairs per image");
    }

    @Test
    void evalReportsBoxApOnly() throws Exception {
        Path dir = Golden.require().resolve(CASE);
        Path images = Files.createDirectories(tmp.resolve("images"));
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode imgs = root.putArray("images");
        ArrayNode anns = root.putArray("annotations");
        ArrayNode cats = root.putArray("categories");
        for (int id = 1; id <= 90; id++) {
            if (CocoDetections.label(id) >= 0) {
                cats.addObject().put("id", id).put("name", "c" + id);
            }
        }
        Path src = Golden.shared("images", "extreme_ironing.jpg");
        Files.copy(src, images.resolve("a.jpg"));
        BufferedImage img = ImageIO.read(src.toFile());
        imgs.addObject().put("id", 1).put("file_name", "a.jpg").put("width", img.getWidth()).put("height", img.getHeight());
        ObjectNode a = anns.addObject().put("id", 1).put("image_id", 1).put("category_id", 1).put("iscrowd", 0).put("area", 4000);
        a.putArray("bbox").add(50).add(40).add(100).add(40);
        Path ann = tmp.resolve("instances.json");
        MAPPER.writeValue(ann.toFile(), root);
        CliRun run = CliRun.of("eval", "--config", dir.resolve("case.json").toString(), "--weights", dir.resolve("weights.pth").toString(),
                "--ann", ann.toString(), "--images", images.toString(), "--out", tmp.resolve("val.json").toString(), "--quiet", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode report = MAPPER.readTree(run.out());
        assertEquals(300, report.get("detections").asInt());
        assertTrue(report.has("bbox"));
        assertFalse(report.has("segm"));
    }
}
