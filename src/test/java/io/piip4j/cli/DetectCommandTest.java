package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.eval.coco.RleString;
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

/** {@code piip detect} end to end with the golden (random, tiny) Mask R-CNN on the shared photos and on bad inputs. */
class DetectCommandTest {
    @TempDir
    Path tmp;

    private static String[] args(Path out, String... more) {
        Path dir = Golden.file("maskrcnn_det3_deit_window_b2_c");
        return Stream.concat(Stream.of("detect", "--config", dir.resolve("case.json").toString(), "--weights",
                dir.resolve("weights.pth").toString(), "--out", out.toString(), "--quiet"), Arrays.stream(more)).toArray(String[]::new);
    }

    @Test
    void drawsAndWritesCocoResultsForThePhotos() throws Exception {
        Path ironing = Golden.shared("images", "extreme_ironing.jpg");
        Path water = Golden.shared("images", "waterview.jpg");
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of(args(out, "--score", "0.8", ironing.toString(), water.toString()));
        assertEquals(0, run.exitCode(), run.err());
        for (Path img : List.of(ironing, water)) {
            BufferedImage src = ImageIO.read(img.toFile());
            Path png = out.resolve(img.getFileName().toString().replace(".jpg", ".png"));
            BufferedImage drawn = ImageIO.read(png.toFile());
            assertEquals(src.getWidth(), drawn.getWidth());
            assertEquals(src.getHeight(), drawn.getHeight());
            assertTrue(run.out().contains(img + " -> " + png), run.out());
        }
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertTrue(results.isArray() && results.size() > 0);
        for (JsonNode r : results) {
            assertTrue(r.get("image_id").asLong() == 1 || r.get("image_id").asLong() == 2);
            assertEquals(4, r.get("bbox").size());
            assertTrue(r.get("score").asDouble() >= 0.05, "above the config's score_thr");
            int id = r.get("category_id").asInt();
            assertTrue(id >= 1 && id <= 90 && id != 12);
            JsonNode seg = r.get("segmentation");
            int h = seg.get("size").get(0).asInt();
            int w = seg.get("size").get(1).asInt();
            assertEquals(r.get("image_id").asLong() == 1 ? 380 : 667, h);
            RleString.decode(seg.get("counts").asText(), h, w); // decodes
        }
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void jsonListsWhatIsShown() throws Exception {
        Path ironing = Golden.shared("images", "extreme_ironing.jpg");
        CliRun run = CliRun.of(args(tmp, "--json", "--score", "0.99", ironing.toString()));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode listed = new ObjectMapper().readTree(run.out());
        assertEquals(570, listed.get(0).get("width").asInt());
        for (JsonNode d : listed.get(0).get("detections")) {
            assertTrue(d.get("score").asDouble() >= 0.99);
        }
    }

    @Test
    void badImagesAreOneLineEachAndTheOthersAreProcessed() throws Exception {
        Path ironing = Golden.shared("images", "extreme_ironing.jpg");
        byte[] jpeg = Files.readAllBytes(ironing);
        Path cut = tmp.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(jpeg, jpeg.length / 2));
        Path empty = Files.createFile(tmp.resolve("empty.png"));
        BufferedImage src = ImageIO.read(ironing.toFile());
        Path grey = tmp.resolve("grey.png");
        Path rgba = tmp.resolve("rgba.png");
        Path deep = tmp.resolve("deep.png");
        BufferedImage g = new BufferedImage(120, 80, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage a = new BufferedImage(120, 80, BufferedImage.TYPE_INT_ARGB);
        BufferedImage d = new BufferedImage(120, 80, BufferedImage.TYPE_USHORT_GRAY);
        for (BufferedImage b : List.of(g, a, d)) {
            b.createGraphics().drawImage(src, 0, 0, 120, 80, null);
        }
        ImageIO.write(g, "png", grey.toFile());
        ImageIO.write(a, "png", rgba.toFile());
        ImageIO.write(d, "png", deep.toFile());
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of(args(out, cut.toString(), grey.toString(), empty.toString(), rgba.toString(), deep.toString()));
        assertEquals(1, run.exitCode(), run.err());
        List<String> errors = run.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(3, errors.size(), run.err());
        assertTrue(errors.get(0).startsWith("piip: " + cut + ": truncated JPEG"), errors.get(0));
        assertTrue(errors.get(1).startsWith("piip: " + empty + ": empty file"), errors.get(1));
        assertEquals("piip: 2 of 5 images failed", errors.get(2));
        assertFalse(run.err().contains("\tat "));
        for (String name : List.of("grey", "rgba", "deep")) {
            BufferedImage drawn = ImageIO.read(out.resolve(name + ".png").toFile());
            assertEquals(120, drawn.getWidth());
            assertEquals(80, drawn.getHeight());
        }
        assertFalse(Files.exists(out.resolve("cut.png")));
        assertFalse(Files.exists(out.resolve("empty.png")));
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
        new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    @Test
    void usageErrorsExitTwo() {
        CliRun run = CliRun.of("detect", "--config", "x.json", "--weights", "w.pth", "--score", "1.5", "a.jpg");
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("--score must be between 0 and 1"), run.err());
        run = CliRun.of("detect", "--config", "x.json", "a.jpg");
        assertEquals(2, run.exitCode());
    }

    @Test
    void aClassifierConfigIsRefusedInOneLine() {
        Path cls = Golden.file("cls3_deit_merged", "case.json");
        CliRun run = CliRun.of("detect", "--config", cls.toString(), "--weights", cls.resolveSibling("weights.pth").toString(),
                "--out", tmp.toString(), "x.jpg");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("not a Mask R-CNN config"), run.err());
    }
}
