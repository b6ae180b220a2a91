package io.piip4j.segmentor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.head.ImageMeta;
import io.piip4j.predict.Labels;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.weights.Checkpoints;
import io.piip4j.weights.PthReader;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The segmenter predictor and the segmentor's behaviour beyond the golden inputs, with the golden
 * (random, tiny: 64-pixel backbone, crop 64, stride 43) UperNet: class maps at the original size,
 * the bounded-memory class map equal to the reference's softmax-argmax path on a larger image,
 * small images padded, and bad configs and checkpoints refused in one line.
 */
class SegmenterTest {
    private static UperNet model;

    @BeforeAll
    static void load() {
        Path dir = Golden.file("upernet_seg2_intern_slide_b1_c");
        model = UperNet.load(dir.resolve("case.json"), dir.resolve("weights.pth"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static BufferedImage picture(int w, int h, int type, long seed) {
        BufferedImage img = new BufferedImage(w, h, type);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000) | 0xFF000000);
            }
        }
        return img;
    }

    @Test
    void classMapAtTheOriginalSizeInBothModes() {
        BufferedImage img = picture(90, 50, BufferedImage.TYPE_INT_RGB, 1);
        int[] windows = {0, 0};
        Segmenter slide = model.newSegmenter().withConfidence(true).onWindow((done, total) -> {
            windows[0] = done;
            windows[1] = total;
        });
        assertEquals(UperNetConfig.Mode.SLIDE, slide.mode());
        ClassMap map = slide.segment(img);
        assertEquals(90, map.width());
        assertEquals(50, map.height());
        assertEquals(Labels.ade20k150Names(), map.classNames());
        // 90x50 → short edge 64: 115x64, windows (64 - 64 + 42) // 43 + 1 = 1 row, (115 - 64 + 42) // 43 + 1 = 3 columns
        assertEquals(3, slide.windowCount(90, 50));
        assertArrayEquals(new int[] {3, 3}, windows);
        double shares = 0;
        for (ClassMap.ClassShare s : map.shares()) {
            shares += s.share();
            assertTrue(s.index() >= 0 && s.index() < 150 && s.pixels() > 0);
        }
        assertEquals(1.0, shares, 1e-9);
        for (float c : map.confidence()) {
            assertTrue(c > 1f / 150 - 1e-6 && c <= 1f + 1e-6, "a maximum of a softmax over 150 classes: " + c);
        }
        ClassMap whole = model.newSegmenter().withMode(UperNetConfig.Mode.WHOLE).segment(img);
        assertEquals(90, whole.width());
        assertEquals(50, whole.height());
        assertEquals(null, whole.confidence());
        assertEquals(1, model.newSegmenter().withMode(UperNetConfig.Mode.WHOLE).windowCount(90, 50));
    }

    @Test
    void anyImageModeAndTinySizes() {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_USHORT_GRAY}) {
            ClassMap map = model.newSegmenter().segment(picture(33, 21, type, type));
            assertEquals(33, map.width());
            assertEquals(21, map.height());
        }
        ClassMap one = model.newSegmenter().segment(picture(1, 1, BufferedImage.TYPE_INT_RGB, 3));
        assertEquals(1, one.labels().length);
        ClassMap strip = model.newSegmenter().withMode(UperNetConfig.Mode.WHOLE).segment(picture(300, 2, BufferedImage.TYPE_INT_RGB, 4));
        assertEquals(600, strip.labels().length);
    }

    /** A larger input: many windows; the chunked class map equals the full softmax / argmax of the reference path. */
    @Test
    void boundedClassMapEqualsTheReferencePathOnManyWindows() {
        int h = 150;
        int w = 200;
        NdArray x = randomInput(1, h, w, 7);
        ImageMeta meta = new ImageMeta(170, 230, h, w, h, w, new float[] {1, 1, 1, 1});
        Map<String, List<NdArray>> got = new LinkedHashMap<>();
        int[] total = {0};
        List<ClassMap> maps = model.segment(x, List.of(meta), UperNetConfig.Mode.SLIDE, true, (done, n) -> total[0] = n,
                (stage, value) -> got.computeIfAbsent(stage, k -> new ArrayList<>()).add(value));
        assertEquals(model.windows(h, w).count(), total[0]);
        assertEquals(15, total[0], "(150 - 64 + 42) // 43 + 1 = 3 rows, (200 - 64 + 42) // 43 + 1 = 5 columns");
        float[] ref = got.get("seg_pred").get(0).toFloats();
        int[] labels = maps.get(0).labels();
        assertEquals(170 * 230, labels.length);
        int differ = 0;
        for (int i = 0; i < labels.length; i++) {
            differ += labels[i] != ref[i] ? 1 : 0;
        }
        assertEquals(0, differ, "pixels where the chunked argmax differs from softmax-argmax");
        Golden.assertAgrees(got.get("probs_max").get(0), NdArray.ofFloats(maps.get(0).confidence(), 1, 170, 230), "confidence");
    }

    /** An image smaller than the crop: its one window is padded to the crop, as whole mode pads; both agree. */
    @Test
    void smallInputsArePaddedAlikeInBothModes() {
        NdArray x = randomInput(1, 40, 50, 9);
        ImageMeta meta = new ImageMeta(40, 50, 40, 50, 40, 50, new float[] {1, 1, 1, 1});
        ClassMap slide = model.segment(x, List.of(meta), UperNetConfig.Mode.SLIDE, true).get(0);
        ClassMap whole = model.segment(x, List.of(meta), UperNetConfig.Mode.WHOLE, true).get(0);
        assertArrayEquals(whole.labels(), slide.labels());
        assertArrayEquals(whole.confidence(), slide.confidence());
    }

    @Test
    void wholeModeRefusesInputsLargerThanTheBackbone() {
        NdArray x = randomInput(1, 65, 64, 1);
        ImageMeta meta = new ImageMeta(65, 64, 65, 64, 65, 64, new float[] {1, 1, 1, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.segment(x, List.of(meta), UperNetConfig.Mode.WHOLE, false));
        assertTrue(e.getMessage().contains("whole mode takes images of at most 64x64") && e.getMessage().contains("use slide mode"),
                e.getMessage());
    }

    @Test
    void aCheckpointForAnotherClassCountNamesKeyAndShapes() {
        Path dir = Golden.file("upernet_seg2_intern_whole_b2_c");
        Map<String, NdArray> sd = new LinkedHashMap<>(Checkpoints.readStateDict(dir.resolve("weights.pth"), PthReader.Options.DEFAULT));
        sd.put("decode_head.conv_seg.weight", NdArray.ofFloats(new float[19 * 32], 19, 32, 1, 1));
        sd.put("decode_head.conv_seg.bias", NdArray.ofFloats(new float[19], 19));
        JsonNode root = Golden.caseJson(dir);
        ConfigException e = assertThrows(ConfigException.class, () -> UperNet.load(root, "case.json", sd, "city.pth"));
        assertEquals("city.pth: decode_head.conv_seg.weight has shape [19, 32, 1, 1] in the checkpoint but [150, 32, 1, 1]"
                + " in the model (num_classes 150 in the config)", e.getMessage());
    }

    @Test
    void badConfigsNameTheKey() throws Exception {
        JsonNode root = Golden.caseJson(Golden.file("upernet_seg2_intern_slide_b1_c"));
        ObjectMapper m = new ObjectMapper();
        String json = root.toString();
        assertConfigError(m.readTree(json.replace("\"mode\":\"slide\"", "\"mode\":\"tile\"")),
                "x.json: model.test_cfg.mode: mode must be whole or slide, got 'tile'");
        assertConfigError(m.readTree(json.replace("\"crop_size\":[64,64]", "\"crop_size\":[96,96]")),
                "x.json: model: test_cfg.crop_size [96, 96] is larger than the backbone's input size 64 (its position embeddings are not resized)");
        assertConfigError(m.readTree(json.replace("\"pool_scales\":[1,2,3,6]", "\"pool_scales\":[1,0]")),
                "x.json: model.decode_head.pool_scales: expected positive sizes, got [1, 0]");
        assertConfigError(m.readTree(json.replace("\"in_index\":2", "\"in_index\":7")),
                "x.json: model: auxiliary_head.in_index: 7 is not one of the backbone's 4 outputs");
    }

    private static void assertConfigError(JsonNode root, String message) {
        Map<String, NdArray> none = Map.of();
        ConfigException e = assertThrows(ConfigException.class, () -> UperNet.load(root, "x.json", none, "w.pth"));
        assertEquals(message, e.getMessage());
    }

    private static NdArray randomInput(int b, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] v = new float[b * 3 * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return NdArray.ofFloats(v, b, 3, h, w);
    }
}
