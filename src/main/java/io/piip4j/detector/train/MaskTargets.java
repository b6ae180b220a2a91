package io.piip4j.detector.train;

import io.piip4j.ops.RoiAlign;

/**
 * mmdetection 2.x's {@code mask_target}: each positive proposal, clipped to the image, cuts its
 * ground-truth mask out by RoIAlign (aligned, adaptive sampling) at {@code size × size}, binarised
 * at 0.5 ({@code BitmapMasks.crop_and_resize}).
 */
final class MaskTargets {
    private MaskTargets() {
    }

    /**
     * @param boxes  n × 4 positive proposals
     * @param gtInds per proposal: the index of its ground-truth mask
     * @return n × size × size, 0 or 1
     */
    static float[] of(GroundTruth gt, float[] boxes, int[] gtInds, int size) {
        int n = gtInds.length;
        int h = gt.height();
        int w = gt.width();
        float[] out = new float[n * size * size];
        float[] mask = new float[h * w];
        for (int i = 0; i < n; i++) {
            byte[] m = gt.masks();
            int base = gtInds[i] * h * w;
            for (int p = 0; p < h * w; p++) {
                mask[p] = m[base + p];
            }
            float x1 = clip(boxes[4 * i], w);
            float y1 = clip(boxes[4 * i + 1], h);
            float x2 = clip(boxes[4 * i + 2], w);
            float y2 = clip(boxes[4 * i + 3], h);
            RoiAlign.pool(mask, 0, 1, h, w, x1, y1, x2, y2, 1f, size, size, 0, true, out, i * size * size);
        }
        for (int k = 0; k < out.length; k++) {
            out[k] = out[k] >= 0.5f ? 1f : 0f;
        }
        return out;
    }

    private static float clip(float v, int max) {
        return Math.min(Math.max(v, 0f), max);
    }
}
