package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.predict.Labels;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code piip segment} end to end with the golden (random, tiny) UperNet on the shared photos and on
 * bad inputs; {@code piip forward} on the golden UperNet cases; {@code piip bench} on one at a tiny size.
 */
class SegmentCommandTest {
    @TempDir
    Path tmp;

    private static final String CASE = "upernet_seg2_intern_slide_b1_c";

    private static String[] args(Path out, String... more) {
        Path dir = Golden.file(CASE);
        return Stream.concat(Stream.of("segment", "--config", dir.resolve("case.json").toString(), "--weights",
                dir.resolve("weights.pth").toString(), "--out", out.toString(), "--quiet"), Arrays.stream(more)).toArray(String[]::new);
    }

    @Test
    void colourMapAndOverlayForEachPhoto() throws Exception {
        Path ironing = Golden.shared("images", "extreme_ironing.jpg");
        Path water = Golden.shared("images", "waterview.jpg");
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of(args(out, ironing.toString(), water.toString()));
        assertEquals(0, run.exitCode(), run.err());
        for (Path img : List.of(ironing, water)) {
            BufferedImage src = ImageIO.read(img.toFile());
            String stem = img.getFileName().toString().replace(".jpg", "");
            BufferedImage colours = ImageIO.read(out.resolve(stem + "_classes.png").toFile());
            assertEquals(src.getWidth(), colours.getWidth());
            assertEquals(src.getHeight(), colours.getHeight());
            java.util.Set<Integer> palette = new java.util.HashSet<>();
            Labels.ade20k150().forEach(c -> palette.add(c.rgb()));
            for (int y = 0; y < colours.getHeight(); y += 7) {
                for (int x = 0; x < colours.getWidth(); x += 7) {
                    assertTrue(palette.contains(colours.getRGB(x, y) & 0xFFFFFF), "an ADE20K palette colour");
                }
            }
            BufferedImage overlay = ImageIO.read(out.resolve(stem + "_overlay.png").toFile());
            assertTrue(overlay.getWidth() > src.getWidth(), "a legend panel at the right");
            assertTrue(overlay.getHeight() >= src.getHeight());
            assertTrue(run.out().contains(img + " -> " + out.resolve(stem + "_classes.png")), run.out());
        }
        assertTrue(run.out().contains("(slide, 2 windows)"), run.out());
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void jsonListsEveryClassWithItsShare() throws Exception {
        Path water = Golden.shared("images", "waterview.jpg");
        CliRun run = CliRun.of(args(tmp, "--json", "--mode", "whole", water.toString()));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out()).get(0);
        assertEquals(1000, r.get("width").asInt());
        assertEquals(667, r.get("height").asInt());
        assertEquals("whole", r.get("mode").asText());
        double share = 0;
        long pixels = 0;
        for (JsonNode c : r.get("classes")) {
            assertEquals(Labels.ade20k150Names().get(c.get("label").asInt()), c.get("class").asText());
            share += c.get("share").asDouble();
            pixels += c.get("pixels").asLong();
        }
        assertEquals(1.0, share, 1e-9);
        assertEquals(1000L * 667, pixels);
    }

    @Test
    void classIndicesAreWrittenForSegEvalAndAgreeWithTheListedShares() throws Exception {
        Path water = Golden.shared("images", "waterview.jpg");
        CliRun run = CliRun.of(args(tmp, "--json", "--mode", "whole", "--class-indices", water.toString()));
        assertEquals(0, run.exitCode(), run.err());
        io.piip4j.eval.seg.LabelMap indices = io.piip4j.eval.seg.LabelMap.read(tmp.resolve("waterview.png"));
        assertEquals(1000, indices.width());
        assertEquals(667, indices.height());
        long[] counts = new long[150];
        for (int v : indices.values()) {
            counts[v]++;
        }
        for (JsonNode c : new ObjectMapper().readTree(run.out()).get(0).get("classes")) {
            assertEquals(c.get("pixels").asLong(), counts[c.get("label").asInt()], c.get("class").asText());
        }
        // scored against itself by seg-eval: every class present is a perfect match
        Path preds = Files.createDirectories(tmp.resolve("preds"));
        Files.copy(tmp.resolve("waterview.png"), preds.resolve("waterview.png"));
        CliRun eval = CliRun.of("seg-eval", "--pred", preds.toString(), "--labels", preds.toString(), "--num-classes", "150");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("mIoU") && eval.out().contains("100.00"), eval.out());
    }

    @Test
    void badImagesAreOneLineEachAndTheOthersAreProcessed() throws Exception {
        Path ironing = Golden.shared("images", "extreme_ironing.jpg");
        byte[] jpeg = Files.readAllBytes(ironing);
        Path cut = tmp.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(jpeg, jpeg.length / 2));
        Path empty = Files.createFile(tmp.resolve("empty.png"));
        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");
        Path grey = tmp.resolve("grey.png");
        Path rgba = tmp.resolve("rgba.png");
        Path deep = tmp.resolve("deep.png");
        Path dot = tmp.resolve("dot.png");
        BufferedImage src = ImageIO.read(ironing.toFile());
        BufferedImage g = new BufferedImage(70, 40, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage a = new BufferedImage(70, 40, BufferedImage.TYPE_INT_ARGB);
        BufferedImage d = new BufferedImage(70, 40, BufferedImage.TYPE_USHORT_GRAY);
        for (BufferedImage b : List.of(g, a, d)) {
            b.createGraphics().drawImage(src, 0, 0, 70, 40, null);
        }
        ImageIO.write(g, "png", grey.toFile());
        ImageIO.write(a, "png", rgba.toFile());
        ImageIO.write(d, "png", deep.toFile());
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", dot.toFile());
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of(args(out, cut.toString(), grey.toString(), empty.toString(), rgba.toString(), text.toString(),
                deep.toString(), dot.toString()));
        assertEquals(1, run.exitCode(), run.err());
        List<String> errors = run.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(4, errors.size(), run.err());
        assertTrue(errors.get(0).startsWith("piip: " + cut + ": truncated JPEG"), errors.get(0));
        assertTrue(errors.get(1).startsWith("piip: " + empty + ": empty file"), errors.get(1));
        assertTrue(errors.get(2).startsWith("piip: " + text + ": "), errors.get(2));
        assertEquals("piip: 3 of 7 images failed", errors.get(3));
        assertFalse(run.err().contains("\tat "));
        for (String name : List.of("grey", "rgba", "deep", "dot")) {
            BufferedImage colours = ImageIO.read(out.resolve(name + "_classes.png").toFile());
            assertEquals(name.equals("dot") ? 1 : 70, colours.getWidth());
            assertTrue(Files.exists(out.resolve(name + "_overlay.png")));
        }
        assertFalse(Files.exists(out.resolve("cut_classes.png")));
    }

    @Test
    void usageAndModelErrorsAreOneLine() throws Exception {
        Path img = Golden.shared("images", "waterview.jpg");
        CliRun run = CliRun.of(args(tmp, "--mode", "tile", img.toString()));
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("--mode: mode must be whole or slide, got 'tile'"), run.err());

        Path det = Golden.file("maskrcnn_det3_deit_window_b2_c", "case.json");
        run = CliRun.of("segment", "--config", det.toString(), "--weights", det.resolveSibling("weights.pth").toString(), img.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("not a UperNet segmentation config"), run.err());

        Path dir = Golden.file(CASE);
        run = CliRun.of("segment", "--config", dir.resolve("case.json").toString(), "--weights",
                Golden.file("det2_intern_grouped", "weights.pth").toString(), "--out", tmp.toString(), img.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("holds no segmentation heads (no decode_head.* keys)"), run.err());

        String json = Files.readString(dir.resolve("case.json")).replace("\"num_classes\": 150", "\"num_classes\": 19");
        Path config = Files.writeString(tmp.resolve("case.json"), json);
        run = CliRun.of("segment", "--config", config.toString(), "--weights", dir.resolve("weights.pth").toString(),
                "--out", tmp.resolve("never").toString(), img.toString());
        assertEquals(1, run.exitCode());
        assertEquals("piip: weights.pth: decode_head.conv_seg.weight has shape [150, 32, 1, 1] in the checkpoint but [19, 32, 1, 1]"
                + " in the model (num_classes 19 in the config)", run.errorLine());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void forwardWritesTheClassMapsAtTheOriginalSize() {
        for (String name : List.of("upernet_seg2_intern_slide_b1_c", "upernet_seg2_intern_whole_b2_c")) {
            Path dir = Golden.file(name);
            Path out = tmp.resolve(name);
            CliRun run = CliRun.of("forward", "--config", dir.resolve("case.json").toString(), "--weights",
                    dir.resolve("weights.pth").toString(), "--input", dir.resolve("io.pth").toString(), "--output-dir", out.toString());
            assertEquals(0, run.exitCode(), run.err());
            Map<String, Object> ref = Golden.map(Golden.map(PthReader.read(dir.resolve("io.pth"))).get("output"));
            NdArray seg = (NdArray) ref.get("seg_pred");
            long[] s = seg.shape();
            float[] all = seg.toFloats();
            int plane = (int) (s[1] * s[2]);
            for (int i = 0; i < s[0]; i++) {
                NdArray pred = Npy.read(out.resolve("seg_pred_" + i + ".npy"));
                assertEquals(DType.INT64, pred.dtype());
                assertArrayEquals(new long[] {s[1], s[2]}, pred.shape());
                assertArrayEquals(Arrays.copyOfRange(all, i * plane, (i + 1) * plane), pred.toFloats(), name + " image " + i);
            }
            for (String head : List.of("decode_logits", "aux_logits")) {
                Golden.assertAgrees((NdArray) ref.get(head), Npy.read(out.resolve(head + ".npy")), name + " " + head);
            }
            NdArray logits = Npy.read(out.resolve("seg_logit.npy"));
            long[] in = ((NdArray) Golden.map(PthReader.read(dir.resolve("io.pth"))).get("input")).shape();
            assertArrayEquals(new long[] {in[0], 150, in[2], in[3]}, logits.shape());
            assertFalse(Files.exists(out.resolve("output_0.npy")));
        }
    }

    @Test
    void benchTimesTheWholeSegmentorWithItsStages() throws Exception {
        String config = Golden.file(CASE, "case.json").toString();
        CliRun run = CliRun.of("bench", config, "--input", "64x100", "--warmup", "0", "--iters", "1", "--json", "--mode", "slide");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertTrue(r.get("segmentor").asBoolean());
        assertEquals("slide", r.get("mode").asText());
        assertEquals(2, r.get("windows").asInt(), "(100 - 64 + 42) // 43 + 1 columns");
        JsonNode stages = r.get("stage_seconds");
        for (String stage : new String[] {"backbone", "decode_head", "class_maps", "other"}) {
            assertTrue(stages.has(stage) && stages.get(stage).asDouble() >= 0, stage + " in " + stages);
        }
        run = CliRun.of("bench", config, "--warmup", "0", "--iters", "1", "--json", "--mode", "whole");
        assertEquals(0, run.exitCode(), run.err());
        r = new ObjectMapper().readTree(run.out());
        assertEquals(64, r.get("height").asInt());
        assertEquals(64, r.get("width").asInt());
        assertEquals(1, r.get("windows").asInt());
    }
}
