package io.piip4j.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Non-maximum suppression as mmcv 1.7's CPU kernel computes it: boxes {@code x1 y1 x2 y2} without the
 * legacy +1 on widths, float32 areas and overlaps, candidates visited in descending score order (ties
 * in input order) and a box dropped when its IoU with a kept box is strictly greater than the threshold.
 */
public final class Nms {
    /** mmcv's {@code batched_nms} runs one NMS over offset boxes below this many candidates, per group above. */
    public static final int SPLIT_THRESHOLD = 10000;

    private Nms() {
    }

    /**
     * @param boxes  n × 4, row-major
     * @param scores n scores
     * @return the kept indices, highest score first
     */
    public static int[] nms(float[] boxes, float[] scores, float iouThreshold) {
        int n = scores.length;
        if (boxes.length != 4 * n) {
            throw new IllegalArgumentException("boxes hold " + boxes.length + " values for " + n + " scores");
        }
        int[] order = descending(scores, null);
        float[] areas = new float[n];
        for (int i = 0; i < n; i++) {
            areas[i] = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
        }
        boolean[] dropped = new boolean[n];
        int[] keep = new int[n];
        int kept = 0;
        for (int a = 0; a < n; a++) {
            if (dropped[a]) {
                continue;
            }
            int i = order[a];
            keep[kept++] = i;
            float ix1 = boxes[4 * i];
            float iy1 = boxes[4 * i + 1];
            float ix2 = boxes[4 * i + 2];
            float iy2 = boxes[4 * i + 3];
            for (int b = a + 1; b < n; b++) {
                if (dropped[b]) {
                    continue;
                }
                int j = order[b];
                float w = Math.max(0f, Math.min(ix2, boxes[4 * j + 2]) - Math.max(ix1, boxes[4 * j]));
                float h = Math.max(0f, Math.min(iy2, boxes[4 * j + 3]) - Math.max(iy1, boxes[4 * j + 1]));
                float inter = w * h;
                float iou = inter / (areas[i] + areas[j] - inter);
                if (iou > iouThreshold) {
                    dropped[b] = true;
                }
            }
        }
        return Arrays.copyOf(keep, kept);
    }

    /**
     * mmcv's {@code batched_nms}: boxes of different groups (classes, or pyramid levels for the RPN)
     * never suppress each other. Each box is shifted by {@code group · (max coordinate + 1)} in float32
     * and one NMS runs over the shifted boxes; from {@link #SPLIT_THRESHOLD} candidates on, NMS runs
     * per group (still on the shifted boxes) and the survivors are ordered by descending score.
     *
     * @return the kept indices into the inputs, in mmcv's order (highest score first)
     */
    public static int[] batched(float[] boxes, float[] scores, int[] groups, float iouThreshold) {
        int n = scores.length;
        if (n == 0) {
            return new int[0];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : boxes) {
            max = Math.max(max, v);
        }
        float step = max + 1f;
        float[] shifted = new float[boxes.length];
        for (int i = 0; i < n; i++) {
            float offset = (float) groups[i] * step;
            for (int k = 0; k < 4; k++) {
                shifted[4 * i + k] = boxes[4 * i + k] + offset;
            }
        }
        if (n < SPLIT_THRESHOLD) {
            return nms(shifted, scores, iouThreshold);
        }
        boolean[] kept = new boolean[n];
        TreeSet<Integer> ids = new TreeSet<>();
        for (int g : groups) {
            ids.add(g);
        }
        for (int id : ids) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (groups[i] == id) {
                    members.add(i);
                }
            }
            float[] b = new float[4 * members.size()];
            float[] s = new float[members.size()];
            for (int m = 0; m < members.size(); m++) {
                int i = members.get(m);
                System.arraycopy(shifted, 4 * i, b, 4 * m, 4);
                s[m] = scores[i];
            }
            for (int m : nms(b, s, iouThreshold)) {
                kept[members.get(m)] = true;
            }
        }
        int[] survivors = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (kept[i]) {
                survivors[count++] = i;
            }
        }
        survivors = Arrays.copyOf(survivors, count);
        return descending(scores, survivors);
    }

    /**
     * Indices ({@code subset}, or all) ordered by descending score; equal scores keep their order.
     * The order is {@link Float#compare}'s (NaN above every number, 0.0 above -0.0); it sorts
     * primitive keys, the score's order-preserving bits above the position, so ties stay stable.
     */
    public static int[] descending(float[] scores, int[] subset) {
        int n = subset == null ? scores.length : subset.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(scores[subset == null ? i : subset[i]]); // NaNs canonical, as Float.compare
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // signed ints in the floats' order
            keys[i] = ((long) ~ascending << 32) | i; // ~ reverses the order; the position breaks ties
        }
        Arrays.sort(keys);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int at = (int) keys[i];
            out[i] = subset == null ? at : subset[at];
        }
        return out;
    }
}
