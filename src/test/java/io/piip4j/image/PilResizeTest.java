package io.piip4j.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.image.PilFixtures;
import io.piip4j.image.PilResize.Filter;
import io.piip4j.image.PilResize;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PilResizeTest {

    // ---------------------------------------------------------------- Pillow parity (fixtures)

    @Test
    void matchesPillowExactlyOnAllFixtures() {
        JsonNode cases = PilFixtures.root().get("resize");
        assertTrue(cases.size() >= 10);
        int checked = 0;
        for (JsonNode c : cases) {
            int w = c.get("w").asInt();
            int h = c.get("h").asInt();
            int ow = c.get("outW").asInt();
            int oh = c.get("outH").asInt();
            int[] in = PilFixtures.pixels(c.get("input").asText());
            assertEquals(w * h, in.length);
            for (Iterator<Map.Entry<String, JsonNode>> it = c.get("expected").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Filter f = Filter.valueOf(e.getKey());
                int[] expected = PilFixtures.pixels(e.getValue().asText());
                int[] actual = PilResize.resizeRgb(in, w, h, ow, oh, f);
                String what = f + " " + w + "x" + h + " -> " + ow + "x" + oh;
                assertEquals(expected.length, actual.length, what);
                for (int i = 0; i < expected.length; i++) {
                    if (expected[i] != actual[i]) {
                        throw new AssertionError(String.format(
                                "%s: pixel (%d,%d) expected %06x got %06x", what, i % ow, i / ow,
                                expected[i], actual[i]));
                    }
                }
                checked++;
            }
        }
        assertTrue(checked >= 30, "checked " + checked);
    }

    // ---------------------------------------------------------------- analytic cases

    /**
     * 4x4 -> 2x2 bicubic, derived by hand from Pillow's algorithm.
     *
     * <p>Per axis: scale = 4/2 = 2, so the kernel is stretched by 2 (support 2*2 = 4, taps at
     * (x - center + 0.5) / 2). Output 0 has center 1.0, window clamped to inputs 0..3, kernel
     * arguments -0.25, 0.25, 0.75, 1.25. With the a = -0.5 cubic
     * k(t) = 1.5|t|^3 - 2.5|t|^2 + 1 for |t| &lt; 1 and -0.5(|t|^3 - 5|t|^2 + 8|t| - 4) for
     * 1 &lt;= |t| &lt; 2:
     * k(0.25) = 0.8671875 = 111/128, k(0.75) = 0.2265625 = 29/128, k(1.25) = -0.0703125 = -9/128.
     * Normalised by their sum 242/128 the weights are (111, 111, 29, -9) / 242; output 1 (center
     * 3.0) mirrors them: (-9, 29, 111, 111) / 242. In 22-bit fixed point (x 4194304, rounded half
     * away from zero): 111/242 -> 1923834, 29/242 -> 502623, -9/242 -> -155987 (sum exactly 2^22).
     * Each pass computes (2^21 + sum(v * k)) >> 22, clipped to 0..255.
     *
     * <ul>
     *   <li>R varies along x only, rows [0, 0, 255, 255]: out x=0: (2097152 + 255 * (502623 -
     *       155987)) >> 22 = 90489332 >> 22 = 21; x=1: (2097152 + 255 * 2 * 1923834) >> 22 =
     *       983252492 >> 22 = 234. The vertical pass keeps constant columns unchanged
     *       (weights sum to 2^22), so R = [[21, 234], [21, 234]].</li>
     *   <li>G varies along y only, columns [255, 255, 0, 0]: by symmetry G = [[234, 234], [21, 21]].</li>
     *   <li>B is 100 at (0,0), 0 elsewhere. Horizontal pass, row 0: x=0 (2097152 + 100 * 1923834)
     *       >> 22 = 46; x=1 (2097152 - 100 * 155987) = -13501548 >> 22 = -4, clipped to 0 (the
     *       intermediate image is clipped before the vertical pass). Vertical, column 0 = [46, 0,
     *       0, 0]: y=0 (2097152 + 46 * 1923834) >> 22 = 21, y=1 negative -> 0. B = [[21, 0], [0, 0]]
     *       (real-valued: 100 * (111/242)^2 = 21.04).</li>
     * </ul>
     */
    @Test
    void bicubicTwoTimesDownscaleMatchesHandDerivation() {
        int[] in = new int[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int r = x >= 2 ? 255 : 0;
                int g = y < 2 ? 255 : 0;
                int b = (x == 0 && y == 0) ? 100 : 0;
                in[y * 4 + x] = (r << 16) | (g << 8) | b;
            }
        }
        int[] out = PilResize.resizeRgb(in, 4, 4, 2, 2);
        int[] expected = {
            rgb(21, 234, 21), rgb(234, 234, 0),
            rgb(21, 21, 0), rgb(234, 21, 0),
        };
        assertArrayEquals(expected, out, () -> hex(out));

        PilResize.Coeffs c = PilResize.Coeffs.compute(4, 0f, 4f, 2, Filter.BICUBIC);
        assertEquals(9, c.ksize);
        assertArrayEquals(new int[] {0, 4, 0, 4}, c.bounds);
        assertArrayEquals(new int[] {1923834, 1923834, 502623, -155987, 0, 0, 0, 0, 0},
                java.util.Arrays.copyOfRange(c.kk, 0, 9));
        assertArrayEquals(new int[] {-155987, 502623, 1923834, 1923834, 0, 0, 0, 0, 0},
                java.util.Arrays.copyOfRange(c.kk, 9, 18));
        assertEquals(111.0 / 242, c.weights[0], 1e-15);
    }

    /**
     * Bilinear 4 -> 2: triangle stretched by 2 (support 2). Output 0 (center 1.0): window
     * [(int)(1 - 2 + 0.5), (int)(1 + 2 + 0.5)) = inputs 0..2, arguments -0.25, 0.25, 0.75, triangle
     * 0.75, 0.75, 0.25, normalised 3/7, 3/7, 1/7. Output 1 (center 3.0): inputs 1..3, weights 1/7,
     * 3/7, 3/7. Fixed point: 1/7 -> 599186, 3/7 -> 1797559.
     */
    @Test
    void bilinearTwoTimesDownscaleMatchesHandDerivation() {
        // Row [0, 0, 255, 255]: x=0 (2097152 + 255 * 599186) >> 22 = 154889582 >> 22 = 36
        // (real 255/7 = 36.43); x=1 (2097152 + 255 * 2 * 1797559) >> 22 = 918852242 >> 22 = 219
        // (real 255 * 6/7 = 218.57).
        int[] in = new int[16];
        for (int i = 0; i < 16; i++) {
            in[i] = (i % 4) >= 2 ? 0xFF0000 : 0;
        }
        int[] out = PilResize.resizeRgb(in, 4, 4, 2, 2, Filter.BILINEAR);
        assertArrayEquals(new int[] {rgb(36, 0, 0), rgb(219, 0, 0), rgb(36, 0, 0), rgb(219, 0, 0)}, out,
                () -> hex(out));
    }

    @Test
    void constantImageStaysConstant() {
        int[][] sizes = {{7, 5, 3, 2}, {13, 11, 29, 17}, {570, 380, 384, 256}, {1, 1, 9, 4}, {50, 3, 1, 1}};
        for (Filter f : Filter.values()) {
            for (int[] s : sizes) {
                for (int color : new int[] {0x000000, 0xFFFFFF, 0x7F10E3, 0x010203}) {
                    int[] in = new int[s[0] * s[1]];
                    java.util.Arrays.fill(in, color);
                    int[] out = PilResize.resizeRgb(in, s[0], s[1], s[2], s[3], f);
                    assertEquals(s[2] * s[3], out.length);
                    for (int v : out) {
                        assertEquals(color, v, f + " " + java.util.Arrays.toString(s));
                    }
                }
            }
        }
    }

    @Test
    void sameSizeIsIdentityAndCopies() {
        Random rnd = new Random(7);
        int[] in = new int[31 * 17];
        for (int i = 0; i < in.length; i++) {
            in[i] = rnd.nextInt(1 << 24);
        }
        for (Filter f : Filter.values()) {
            int[] out = PilResize.resizeRgb(in, 31, 17, 31, 17, f);
            assertArrayEquals(in, out);
            assertTrue(out != in);
        }
        // Only one axis changes: the other is not resampled at all.
        int[] half = PilResize.resizeRgb(in, 31, 17, 31, 9);
        assertEquals(31 * 9, half.length);
    }

    @Test
    void upscaledRampStaysMonotonic() {
        int w = 16;
        int[] in = new int[w * 2];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < w; x++) {
                int v = x * 17; // 0..255
                in[y * w + x] = (v << 16) | ((255 - v) << 8) | v;
            }
        }
        for (Filter f : Filter.values()) {
            int ow = 103;
            int[] out = PilResize.resizeRgb(in, w, 2, ow, 5, f);
            for (int y = 0; y < 5; y++) {
                for (int x = 1; x < ow; x++) {
                    int a = out[y * ow + x - 1];
                    int b = out[y * ow + x];
                    assertTrue((b >> 16) >= (a >> 16), f + " R not monotonic at " + x);
                    assertTrue(((b >> 8) & 255) <= ((a >> 8) & 255), f + " G not monotonic at " + x);
                }
                assertEquals(0, out[y * ow] >> 16);
                assertEquals(255, out[y * ow + ow - 1] >> 16);
            }
        }
    }

    @Test
    void overshootIsClippedToByteRange() {
        // A 0/255 checkerboard upscaled with bicubic overshoots below 0 and above 255 in real
        // arithmetic; results must be clipped, and both extremes reached.
        int n = 6;
        int[] in = new int[n * n];
        for (int i = 0; i < in.length; i++) {
            in[i] = ((i % n + i / n) % 2 == 0) ? 0xFFFFFF : 0;
        }
        int[] out = PilResize.resizeRgb(in, n, n, 23, 23);
        boolean saw0 = false;
        boolean saw255 = false;
        for (int v : out) {
            assertEquals(0, v >>> 24);
            int r = v >> 16;
            saw0 |= r == 0;
            saw255 |= r == 255;
        }
        assertTrue(saw0 && saw255);
        assertEquals(0, PilResize.clip8(-5 << PilResize.PRECISION_BITS));
        assertEquals(255, PilResize.clip8(300 << PilResize.PRECISION_BITS));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> PilResize.resizeRgb(new int[4], 2, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PilResize.resizeRgb(new int[3], 2, 2, 1, 1));
    }

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    private static String hex(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int v : a) {
            sb.append(String.format("%06x ", v));
        }
        return sb.toString();
    }
}
