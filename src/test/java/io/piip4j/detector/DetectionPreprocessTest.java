package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.head.ImageMeta;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The detection test pipeline against hand-computed mmcv values and against opencv-python 5.0.0
 * (fixtures made by make_cv2_fixtures.py: cv2.resize INTER_LINEAR, and whole imrescale → imnormalize → impad runs).
 */
class DetectionPreprocessTest {
    private static JsonNode fixtures() throws Exception {
        try (InputStream in = DetectionPreprocessTest.class.getResourceAsStream("cv2_fixtures.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static byte[] b64(JsonNode n) {
        return Base64.getDecoder().decode(n.asText());
    }

    @Test
    void rescaledSizesAsMmcv() {
        // scale (1120, 672): s = min(1120 / max(h, w), 672 / min(h, w)); size int(w·s + 0.5) × int(h·s + 0.5)
        assertArrayEquals(new int[] {1008, 672}, DetectionPreprocess.rescaledSize(570, 380, 1120, 672)); // s = 672/380
        assertArrayEquals(new int[] {1007, 672}, DetectionPreprocess.rescaledSize(1000, 667, 1120, 672)); // s = 672/667: 1007.49 → 1007
        assertArrayEquals(new int[] {672, 1120}, DetectionPreprocess.rescaledSize(300, 500, 1120, 672)); // s = 2.24 both ways
        assertArrayEquals(new int[] {1120, 373}, DetectionPreprocess.rescaledSize(3000, 1000, 1120, 672)); // long edge binds: 373.33
        assertArrayEquals(new int[] {1333, 800}, DetectionPreprocess.rescaledSize(1333, 800, 1333, 800)); // unchanged
        assertArrayEquals(new int[] {800, 800}, DetectionPreprocess.rescaledSize(1, 1, 1333, 800));
    }

    @Test
    void resizeIsBitExactWithOpenCv() throws Exception {
        for (JsonNode c : fixtures().get("resize")) {
            int w = c.get("w").asInt();
            int h = c.get("h").asInt();
            int dw = c.get("dw").asInt();
            int dh = c.get("dh").asInt();
            byte[] got = CvResize.linear(b64(c.get("src")), w, h, c.get("cn").asInt(), dw, dh);
            assertArrayEquals(b64(c.get("expected")), got, w + "x" + h + " -> " + dw + "x" + dh);
        }
    }

    @Test
    void wholePipelineEqualsMmcv() throws Exception {
        double[] mean = {123.675, 116.28, 103.53};
        double[] std = {58.395, 57.12, 57.375};
        for (JsonNode c : fixtures().get("pipeline")) {
            int w = c.get("w").asInt();
            int h = c.get("h").asInt();
            byte[] rgb = b64(c.get("rgb"));
            int[] px = new int[w * h];
            for (int i = 0; i < px.length; i++) {
                px[i] = (rgb[3 * i] & 0xFF) << 16 | (rgb[3 * i + 1] & 0xFF) << 8 | (rgb[3 * i + 2] & 0xFF);
            }
            int[] scale = {c.get("scale").get(0).asInt(), c.get("scale").get(1).asInt()};
            DetectionPreprocess p = new DetectionPreprocess(scale, true, mean, std, true, c.get("divisor").asInt());
            DetectionPreprocess.Prepared out = p.apply(px, w, h);
            ImageMeta m = out.meta();
            assertEquals(h, m.oriH());
            assertEquals(w, m.oriW());
            assertEquals(c.get("img_shape").get(0).asInt(), m.imgH());
            assertEquals(c.get("img_shape").get(1).asInt(), m.imgW());
            assertEquals(c.get("pad_shape").get(0).asInt(), m.padH());
            assertEquals(c.get("pad_shape").get(1).asInt(), m.padW());
            for (int k = 0; k < 4; k++) {
                assertEquals((float) c.get("scale_factor").get(k).asDouble(), m.scaleFactor()[k]);
            }
            ByteBuffer e = ByteBuffer.wrap(b64(c.get("expected"))).order(ByteOrder.LITTLE_ENDIAN);
            float[] expected = new float[out.chw().length];
            e.asFloatBuffer().get(expected);
            assertArrayEquals(expected, out.chw(), "pipeline " + w + "x" + h);
        }
    }

    @Test
    void padsWithZerosAfterNormalisationBottomRight() {
        // a white 10×6 image, no resize (scale = its size), divisor 8: 16×8 padded
        int[] px = new int[60];
        java.util.Arrays.fill(px, 0xFFFFFF);
        DetectionPreprocess p = new DetectionPreprocess(new int[] {10, 6}, true, new double[] {127.5, 127.5, 127.5},
                new double[] {127.5, 127.5, 127.5}, true, 8);
        DetectionPreprocess.Prepared out = p.apply(px, 10, 6);
        assertEquals(8, out.meta().padH());
        assertEquals(16, out.meta().padW());
        assertEquals(6, out.meta().imgH());
        float one = (float) ((255f - 127.5f) * (1 / 127.5));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 16; x++) {
                    float v = out.chw()[c * 128 + y * 16 + x];
                    assertEquals(y < 6 && x < 10 ? one : 0f, v, "c" + c + " y" + y + " x" + x);
                }
            }
        }
    }

    @Test
    void normalisesPerChannelInTheConfigsOrder() {
        int[] px = {0x102030};
        double[] mean = {1, 2, 3};
        double[] std = {2, 4, 8};
        float[] rgb = new DetectionPreprocess(new int[] {1, 1}, true, mean, std, true, 1).apply(px, 1, 1).chw();
        assertArrayEquals(new float[] {(0x10 - 1f) * 0.5f, (0x20 - 2f) * 0.25f, (0x30 - 3f) * 0.125f}, rgb); // exact in binary
        float[] bgr = new DetectionPreprocess(new int[] {1, 1}, true, mean, std, false, 1).apply(px, 1, 1).chw();
        assertArrayEquals(new float[] {(0x30 - 1f) * 0.5f, (0x20 - 2f) * 0.25f, (0x10 - 3f) * 0.125f}, bgr);
    }

    @Test
    void readsReleasedPipelineAndCaseDefaults() throws Exception {
        ObjectMapper om = new ObjectMapper();
        JsonNode released = om.readTree("{\"img_norm_cfg\": {\"mean\": [1,2,3], \"std\": [4,5,6], \"to_rgb\": true},"
                + " \"test_pipeline\": [{\"type\": \"LoadImageFromFile\"}, {\"type\": \"MultiScaleFlipAug\", \"img_scale\": [1120, 672],"
                + " \"flip\": false, \"transforms\": [{\"type\": \"Resize\", \"keep_ratio\": true}, {\"type\": \"RandomFlip\"},"
                + " {\"type\": \"Normalize\", \"mean\": [127.5,127.5,127.5], \"std\": [127.5,127.5,127.5], \"to_rgb\": true},"
                + " {\"type\": \"Pad\", \"size_divisor\": 224}, {\"type\": \"ImageToTensor\", \"keys\": [\"img\"]}]}]}");
        DetectionPreprocess p = DetectionPreprocess.fromConfig(released, "r.json");
        ImageMeta m = p.apply(new int[570 * 380], 570, 380).meta();
        assertEquals(672, m.imgH());
        assertEquals(1008, m.imgW());
        assertEquals(672, m.padH());
        assertEquals(1120, m.padW());
        JsonNode golden = om.readTree("{\"config\": {\"model\": {}, \"img_norm_cfg\": {\"mean\": [127.5,127.5,127.5], \"std\": [127.5,127.5,127.5], \"to_rgb\": true}}}");
        ImageMeta g = DetectionPreprocess.fromConfig(golden, "case.json").apply(new int[570 * 380], 570, 380).meta();
        assertEquals(800, g.imgH()); // mmdetection's default (1333, 800), size_divisor 32
        assertEquals(1200, g.imgW());
        assertEquals(800, g.padH());
        assertEquals(1216, g.padW());
        JsonNode tta = om.readTree("{\"img_norm_cfg\": {\"mean\": [1,2,3], \"std\": [4,5,6]}, \"test_pipeline\": [{\"type\":"
                + " \"MultiScaleFlipAug\", \"img_scale\": [[1333, 800], [1000, 600]], \"transforms\": []}]}");
        ConfigException e = assertThrows(ConfigException.class, () -> DetectionPreprocess.fromConfig(tta, "tta.json"));
        assertTrue(e.getMessage().startsWith("tta.json: test_pipeline.img_scale: "), e.getMessage());
    }
}
