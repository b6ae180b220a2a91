package io.piip4j.segmentor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonPath;
import io.piip4j.detector.DetectionImages;
import io.piip4j.segmentor.SegmentationPreprocess;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmentation training pipeline on a 16 × 8 image whose labels are its column index mod 4. */
class SegmentationTrainTransformTest {
    private static final int W = 16;
    private static final int H = 8;
    private static final SegmentationPreprocess PIPELINE = new SegmentationPreprocess(new int[] {W, H}, 0,
            new double[] {127.5, 127.5, 127.5}, new double[] {127.5, 127.5, 127.5}, true);

    @TempDir
    Path dir;
    private SegmentationTrainingSet.Sample sample;

    @BeforeEach
    void writeSample() throws Exception {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        BufferedImage lab = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img.setRGB(x, y, (x * 15) << 16 | (y * 30) << 8 | 200);
                lab.getRaster().setSample(x, y, 0, x % 4);
            }
        }
        java.nio.file.Files.createDirectories(dir.resolve("images"));
        java.nio.file.Files.createDirectories(dir.resolve("labels"));
        ImageIO.write(img, "png", dir.resolve("images/a.png").toFile());
        ImageIO.write(lab, "png", dir.resolve("labels/a.png").toFile());
        sample = SegmentationTrainingSet.load(dir.resolve("images"), dir.resolve("labels")).samples().get(0);
    }

    private static SegmentationTrainTransform.Settings settings(String json) throws Exception {
        return SegmentationTrainTransform.Settings.read(JsonPath.object(new ObjectMapper().readTree(json), "augment"));
    }

    @Test
    void atScaleOneWithoutFlipTheCropIsTheImageAndItsLabels() throws Exception {
        SegmentationTrainTransform t = new SegmentationTrainTransform(
                settings("{\"ratio_range\": [1, 1], \"crop_size\": [8, 16], \"flip\": 0}"), PIPELINE, new int[] {W, H}, 16, false);
        SegmentationTrainTransform.Example e = t.apply(sample, new Random(1));
        assertArrayEquals(PIPELINE.apply(DetectionImages.read(sample.image())).chw(), e.chw());
        for (int i = 0; i < W * H; i++) {
            assertEquals(i % W % 4, e.labels()[i]);
        }
    }

    @Test
    void aFlipMirrorsImageAndLabelsTogether() throws Exception {
        SegmentationTrainTransform t = new SegmentationTrainTransform(
                settings("{\"ratio_range\": [1, 1], \"crop_size\": [8, 16], \"flip\": 1}"), PIPELINE, new int[] {W, H}, 16, false);
        SegmentationTrainTransform.Example e = t.apply(sample, new Random(1));
        float[] plain = PIPELINE.apply(DetectionImages.read(sample.image())).chw();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertEquals((W - 1 - x) % 4, e.labels()[y * W + x]);
                assertEquals(plain[y * W + W - 1 - x], e.chw()[y * W + x]);
            }
        }
    }

    @Test
    void aSmallerImageIsPaddedWithZerosAndIgnoredLabels() throws Exception {
        // half scale: the 16 × 8 image becomes 8 × 4 inside a 16 × 16 crop
        SegmentationTrainTransform t = new SegmentationTrainTransform(
                settings("{\"ratio_range\": [0.5, 0.5], \"crop_size\": 16, \"flip\": 0}"), PIPELINE, new int[] {W, H}, 16, false);
        SegmentationTrainTransform.Example e = t.apply(sample, new Random(1));
        assertEquals(3 * 16 * 16, e.chw().length);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                boolean inside = y < 4 && x < 8;
                int v = e.labels()[y * 16 + x];
                if (inside) {
                    assertEquals((2 * x) % 4, v, "nearest neighbour keeps every other column's label"); // floor(x * 2)
                } else {
                    assertEquals(SegmentationTrainTransform.IGNORE, v);
                    assertEquals(0f, e.chw()[y * 16 + x]);
                }
            }
        }
    }

    @Test
    void reduceZeroLabelIgnoresZeroAndShiftsTheRest() throws Exception {
        SegmentationTrainTransform t = new SegmentationTrainTransform(
                settings("{\"ratio_range\": [1, 1], \"crop_size\": [8, 16], \"flip\": 0}"), PIPELINE, new int[] {W, H}, 16, true);
        int[] labels = t.apply(sample, new Random(1)).labels();
        for (int i = 0; i < W * H; i++) {
            int raw = i % W % 4;
            assertEquals(raw == 0 ? 255 : raw - 1, labels[i]);
        }
    }

    @Test
    void theDrawsDependOnTheRandomSourceOnly() throws Exception {
        SegmentationTrainTransform t = new SegmentationTrainTransform(settings("{\"crop_size\": 8}"), PIPELINE, new int[] {W, H}, 8, false);
        SegmentationTrainTransform.Example a = t.apply(sample, new Random(42));
        SegmentationTrainTransform.Example b = t.apply(sample, new Random(42));
        assertArrayEquals(a.chw(), b.chw());
        assertArrayEquals(a.labels(), b.labels());
        boolean differs = false;
        for (int s = 0; s < 8 && !differs; s++) {
            differs = !java.util.Arrays.equals(a.labels(), t.apply(sample, new Random(s)).labels());
        }
        assertTrue(differs, "other seeds give other scales, crops or flips");
    }

    @Test
    void badSettingsNameTheirKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> settings("{\"ratio_range\": [2, 1]}"));
        assertTrue(e.getMessage().contains("augment.ratio_range"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> settings("{\"crop_size\": [0, 4]}"));
        assertTrue(e.getMessage().contains("augment.crop_size"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> settings("{\"flips\": 0.5}"));
        assertTrue(e.getMessage().contains("flips"), e.getMessage());
    }
}
