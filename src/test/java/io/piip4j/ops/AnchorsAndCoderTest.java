package io.piip4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** mmdetection's base anchors and box decoding on hand-computed values. */
class AnchorsAndCoderTest {

    @Test
    void baseAnchorsAreRatioMajorAroundTheOrigin() {
        AnchorGenerator g = new AnchorGenerator(new int[] {4, 8}, new float[] {0.5f, 1f, 2f}, new float[] {8f}, null, 0, 0.0);
        float hr = (float) Math.sqrt(0.5f);
        float w = 4f * (1f / hr) * 8f;
        float h = 4f * hr * 8f;
        assertArrayEquals(new float[] {-w / 2, -h / 2, w / 2, h / 2, -16, -16, 16, 16, -h / 2, -w / 2, h / 2, w / 2},
                g.baseAnchors(0), 1e-6f);
        float[] grid = g.gridAnchors(1, 2, 3); // rows, then columns, then anchors
        assertArrayEquals(new float[] {-32 + 16, -32 + 8, 32 + 16, 32 + 8}, java.util.Arrays.copyOfRange(grid, 4 * (3 * 5 + 1), 4 * (3 * 5 + 2)), 0f);
    }

    @Test
    void decodeMovesScalesClampsAndClips() {
        DeltaXywhBoxCoder c = new DeltaXywhBoxCoder(new float[] {0, 0, 0, 0}, new float[] {0.1f, 0.1f, 0.2f, 0.2f});
        float[] box = {10, 10, 30, 50}; // centre (20, 30), size 20 x 40
        assertArrayEquals(box, c.decode(box, new float[] {0, 0, 0, 0}, 1, 100, 100), 0f);
        // dx = 0.5 · 0.1 → centre x + 1; dw = ln 2 / 0.2 · 0.2 → width doubled
        float[] d = c.decode(box, new float[] {0.5f, 0, (float) (Math.log(2) / 0.2), 0}, 1, 100, 100);
        assertArrayEquals(new float[] {1, 10, 41, 50}, d, 1e-4f);
        // clipped to the image (width 30, height 45) and huge dw clamped to |log(16/1000)|
        float[] e = c.decode(box, new float[] {0, 0, 1000, 0}, 1, 45, 30);
        assertArrayEquals(new float[] {0, 10, 30, 45}, e, 0f);
        float[] f = c.decode(box, new float[] {0, 0, 1000, 0}, 1, 0, 0);
        float half = (float) (20 * (1000 / 16.0)) / 2;
        assertArrayEquals(new float[] {20 - half, 10, 20 + half, 50}, f, 1e-2f);
    }
}
