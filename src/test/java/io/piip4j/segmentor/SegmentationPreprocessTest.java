package io.piip4j.segmentor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.testing.Golden;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The released ADE20K test pipeline's sizes (SETR_Resize through mmcv.imrescale) and normalisation. */
class SegmentationPreprocessTest {

    private static JsonNode released() throws Exception {
        Path p = Golden.shared("reference", "configs", "segmentation", "2branch__upernet_internvit_h6b_192_512_80k_ade20k_bs16_lr4e-5.json");
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void setrResizeBringsTheShortEdgeToTheCrop() throws Exception {
        SegmentationPreprocess p = SegmentationPreprocess.fromConfig(released(), "released", 512);
        // 1000x667: target (512, 767.616…) → factor min(767.616/1000, 512/667) → int(1000 s + 0.5) x int(667 s + 0.5)
        assertArrayEquals(new int[] {768, 512}, p.resizedSize(1000, 667));
        assertArrayEquals(new int[] {512, 683}, p.resizedSize(480, 640));
        // no upper bound on the long edge (img_scale's 2048 is not used by SETR_Resize), small images grow
        assertArrayEquals(new int[] {2048, 512}, p.resizedSize(400, 100));
        assertArrayEquals(new int[] {1024, 512}, p.resizedSize(100, 50));
        assertArrayEquals(new int[] {512, 512}, p.resizedSize(1, 1));
    }

    @Test
    void wholeModeFitsTheImageIntoTheBackbonesSquare() throws Exception {
        SegmentationPreprocess p = SegmentationPreprocess.fromConfig(released(), "released", 512).forWhole(512);
        assertArrayEquals(new int[] {512, 342}, p.resizedSize(1000, 667));
        assertArrayEquals(new int[] {384, 512}, p.resizedSize(480, 640));
    }

    @Test
    void aGoldenCaseWithoutPipelineSlidesAtItsCropSize() {
        JsonNode root = Golden.caseJson(Golden.file("upernet_seg2_intern_slide_b1_c"));
        SegmentationPreprocess p = SegmentationPreprocess.fromConfig(root, "case.json", 64);
        assertArrayEquals(new int[] {96, 64}, p.resizedSize(120, 80));
    }

    @Test
    void normalisesAsMmcv() throws Exception {
        SegmentationPreprocess p = SegmentationPreprocess.fromConfig(released(), "released", 512);
        int[] rgb = new int[512 * 512];
        java.util.Arrays.fill(rgb, 0xFF8000); // R 255, G 128, B 0
        SegmentationPreprocess.Prepared out = p.apply(rgb, 512, 512);
        assertEquals(512, out.meta().imgH());
        int plane = 512 * 512;
        assertEquals((float) ((double) (255f - 123.675f) * (1 / 58.395)), out.chw()[0]);
        assertEquals((float) ((double) (128f - 116.28f) * (1 / 57.12)), out.chw()[plane]);
        assertEquals((float) ((double) (0f - 103.53f) * (1 / 57.375)), out.chw()[2 * plane]);
    }

    @Test
    void unsupportedPipelinesNameTheKey() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode flip = m.readTree(released().toString().replace("\"flip\":false", "\"flip\":true"));
        ConfigException e = assertThrows(ConfigException.class, () -> SegmentationPreprocess.fromConfig(flip, "x.json", 512));
        assertTrue(e.getMessage().startsWith("x.json: test_pipeline: flip"), e.getMessage());
        JsonNode noNorm = m.readTree("{\"model\": {}}");
        e = assertThrows(ConfigException.class, () -> SegmentationPreprocess.fromConfig(noNorm, "y.json", 512));
        assertTrue(e.getMessage().startsWith("y.json: img_norm_cfg"), e.getMessage());
    }
}
