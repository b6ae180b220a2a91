package io.piip4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Hand-computed RoIAlign (mmcv semantics: aligned, adaptive sampling, average pooling). */
class RoiAlignTest {
    private static final int H = 8;
    private static final int W = 8;

    /** Two channels: f(y, x) = x + 10·y, then the constant 3. */
    private static float[] features() {
        float[] f = new float[2 * H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                f[y * W + x] = x + 10 * y;
                f[H * W + y * W + x] = 3f;
            }
        }
        return f;
    }

    private static float[] pool(float x1, float y1, float x2, float y2, int out, boolean aligned) {
        float[] result = new float[2 * out * out];
        RoiAlign.pool(features(), 0, 2, H, W, x1, y1, x2, y2, 1f, out, out, 0, aligned, result, 0);
        return result;
    }

    @Test
    void linearRampAveragesItsSamples() {
        // aligned: the RoI 1..5 becomes 0.5..4.5; 2 bins of 2, 2 samples each at 1, 2 | 3, 4
        assertArrayEquals(new float[] {16.5f, 18.5f, 36.5f, 38.5f, 3, 3, 3, 3}, pool(1, 1, 5, 5, 2, true));
        // not aligned: samples at 1.5, 2.5 | 3.5, 4.5
        assertArrayEquals(new float[] {22f, 24f, 42f, 44f, 3, 3, 3, 3}, pool(1, 1, 5, 5, 2, false));
    }

    @Test
    void constantStaysConstantOverTheWholeMap() {
        float[] r = pool(0, 0, 8, 8, 2, true);
        assertArrayEquals(new float[] {3, 3, 3, 3}, java.util.Arrays.copyOfRange(r, 4, 8));
        // samples at 0..7 in each direction: bin means 1.5 / 5.5 in x, 15 / 55 in 10·y
        assertArrayEquals(new float[] {16.5f, 20.5f, 56.5f, 60.5f}, java.util.Arrays.copyOfRange(r, 0, 4));
    }

    @Test
    void edgeSamplesClampAndOutsideSamplesAreZero() {
        // x samples at 7 and 8: 8 is on the border (clamped to column 7); y samples at 0 and 1
        assertArrayEquals(new float[] {12f, 3f}, pool(7, 0, 9, 2, 1, true));
        // x samples at 8 (clamped to column 7: 7 and 17 at y 0, 1) and 9 (beyond the map: 0); the constant halves
        assertArrayEquals(new float[] {(7 + 17 + 0 + 0) / 4f, 1.5f}, pool(8, 0, 10, 2, 1, true));
    }

    @Test
    void levelsFollowTheFinestScale() {
        io.piip4j.head.SingleRoiExtractor e = new io.piip4j.head.SingleRoiExtractor(7, 0, true, new int[] {4, 8, 16, 32}, 56f);
        float[] rois = {
            0, 0, 0, 56, 56, // scale 56: level 0
            0, 0, 0, 111, 112, // just under 112: level 0
            0, 0, 0, 112, 112, // 112: level 1
            0, 0, 0, 300, 300, // 300: level 2
            0, 0, 0, 1000, 1000, // clamped to 3
            0, 5, 5, 5, 5, // empty: level 0
        };
        assertArrayEquals(new int[] {0, 0, 1, 2, 3, 0}, e.levels(rois, 6));
    }

    /** The channels-last kernel gives the channel-major one's results bit for bit (same float32 steps per channel). */
    @Test
    void channelsLastEqualsChannelMajorBitForBit() {
        java.util.Random r = new java.util.Random(7);
        int c = 37;
        int h = 23;
        int w = 31;
        float[] chw = new float[2 * c * h * w];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) r.nextGaussian();
        }
        float[] hwc = new float[chw.length];
        for (int n = 0; n < 2; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    hwc[n * c * h * w + p * c + ch] = chw[n * c * h * w + ch * h * w + p];
                }
            }
        }
        for (int t = 0; t < 50; t++) {
            int n = t % 2;
            float x1 = r.nextFloat() * 140 - 10;
            float y1 = r.nextFloat() * 100 - 10;
            float x2 = x1 + r.nextFloat() * 90;
            float y2 = y1 + r.nextFloat() * 70;
            int out = t % 3 == 0 ? 14 : 7;
            boolean aligned = t % 4 != 1;
            int ratio = t % 5 == 2 ? 2 : 0;
            float[] a = new float[c * out * out + 3];
            float[] b = new float[c * out * out + 3];
            RoiAlign.pool(chw, n * c * h * w, c, h, w, x1, y1, x2, y2, 0.25f, out, out, ratio, aligned, a, 3);
            RoiAlign.poolChannelsLast(hwc, n * c * h * w, c, h, w, x1, y1, x2, y2, 0.25f, out, out, ratio, aligned, b, 3);
            for (int i = 0; i < a.length; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]),
                        "RoI " + t + " value " + i);
            }
        }
    }
}
