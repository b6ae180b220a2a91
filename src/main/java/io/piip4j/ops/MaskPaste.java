package io.piip4j.ops;

import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.25's {@code _do_paste_mask} as run on CPU (one mask per chunk, empty area skipped):
 * each {@code m × m} mask of probabilities is resampled with {@code grid_sample} (bilinear, zero
 * padding, align_corners=False) onto the pixels of its box, widened by one pixel and clipped to the
 * image, and binarised at {@code threshold}; pixels outside that area stay 0.
 */
public final class MaskPaste {
    private MaskPaste() {
    }

    /**
     * @param probs     n × m × m probabilities
     * @param boxes     n × 4 boxes in image pixels
     * @param threshold binarise at {@code p ≥ threshold}; a negative threshold keeps {@code (uint8)(p · 255)}
     * @return n × height × width values, 0/1 (or 0–255)
     */
    public static byte[] paste(float[] probs, int m, float[] boxes, int n, int height, int width, float threshold) {
        byte[] out = new byte[n * height * width];
        for (int i = 0; i < n; i++) {
            float x0 = boxes[4 * i];
            float y0 = boxes[4 * i + 1];
            float x1 = boxes[4 * i + 2];
            float y1 = boxes[4 * i + 3];
            // the reference takes the column-wise minimum over the chunk's boxes: with one box, the box itself
            int left = (int) Math.max((float) Math.floor(x0) - 1f, 0f);
            int top = (int) Math.max((float) Math.floor(y0) - 1f, 0f);
            int right = (int) Math.min((float) Math.ceil(x1) + 1f, (float) width);
            int bottom = (int) Math.min((float) Math.ceil(y1) + 1f, (float) height);
            int w = right - left;
            int h = bottom - top;
            if (w <= 0 || h <= 0) {
                continue;
            }
            float[] grid = new float[h * w * 2];
            float[] gx = new float[w];
            float[] gy = new float[h];
            for (int x = 0; x < w; x++) {
                gx[x] = normalised((float) (left + x) + 0.5f, x0, x1);
            }
            for (int y = 0; y < h; y++) {
                gy[y] = normalised((float) (top + y) + 0.5f, y0, y1);
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    grid[2 * (y * w + x)] = gx[x];
                    grid[2 * (y * w + x) + 1] = gy[y];
                }
            }
            float[] mask = new float[m * m];
            System.arraycopy(probs, i * m * m, mask, 0, m * m);
            float[] sampled;
            try (Tensor maskT = Tensors.fromFloats(mask, 1, 1, m, m); Tensor gridT = Tensors.fromFloats(grid, 1, h, w, 2);
                    Tensor s = F.gridSample(maskT, gridT)) {
                sampled = Tensors.toFloats(s);
            }
            int base = i * height * width;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float p = sampled[y * w + x];
                    byte v = threshold >= 0 ? (byte) (p >= threshold ? 1 : 0) : (byte) (int) (p * 255f);
                    out[base + (top + y) * width + left + x] = v;
                }
            }
        }
        return out;
    }

    /** {@code (c - lo) / (hi - lo) · 2 - 1}, an infinite result replaced by 0 as the reference does. */
    private static float normalised(float c, float lo, float hi) {
        float v = (c - lo) / (hi - lo) * 2f - 1f;
        return Float.isInfinite(v) ? 0f : v;
    }
}
