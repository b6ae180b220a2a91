package io.piip4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of mmcv's NMS semantics: ordering, ties, strict {@code >}, group offsets. */
class NmsTest {

    @Test
    void keepsHighestFirstAndDropsOverlaps() {
        float[] boxes = {
            0, 0, 10, 10, // 0: IoU with 1 = 81/100
            1, 1, 10, 10, // 1
            20, 20, 30, 30, // 2: apart
        };
        assertArrayEquals(new int[] {1, 2}, Nms.nms(boxes, new float[] {0.5f, 0.9f, 0.7f}, 0.8f));
        // exactly at the threshold: kept (strict >)
        assertArrayEquals(new int[] {1, 2, 0}, Nms.nms(boxes, new float[] {0.5f, 0.9f, 0.7f}, 0.81f));
    }

    @Test
    void suppressesOnlyAboveTheThreshold() {
        // IoU exactly 0.5: intersection 2, union 4 (widths without +1)
        float[] boxes = {0, 0, 4, 1, 0, 0, 2, 1};
        float[] scores = {0.9f, 0.8f};
        assertArrayEquals(new int[] {0, 1}, Nms.nms(boxes, scores, 0.5f));
        assertArrayEquals(new int[] {0}, Nms.nms(boxes, scores, 0.49f));
    }

    @Test
    void tiesKeepInputOrder() {
        float[] same = {0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60};
        assertArrayEquals(new int[] {0, 2}, Nms.nms(same, new float[] {0.5f, 0.5f, 0.5f}, 0.5f));
        assertArrayEquals(new int[] {1, 2}, Nms.nms(same, new float[] {0.4f, 0.5f, 0.5f}, 0.5f));
        assertArrayEquals(new int[] {2, 0, 1}, Nms.descending(new float[] {0.5f, 0.5f, 0.7f}, null));
    }

    @Test
    void groupsNeverSuppressEachOther() {
        float[] boxes = {0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10};
        float[] scores = {0.6f, 0.9f, 0.8f};
        // groups 0, 1, 0: box 2 (group 0) suppresses box 0; box 1 is alone in its group
        assertArrayEquals(new int[] {1, 2}, Nms.batched(boxes, scores, new int[] {0, 1, 0}, 0.5f));
        assertArrayEquals(new int[] {1, 2, 0}, Nms.batched(boxes, scores, new int[] {0, 1, 2}, 0.5f));
        assertArrayEquals(new int[] {1}, Nms.batched(boxes, scores, new int[] {3, 3, 3}, 0.5f));
        assertArrayEquals(new int[0], Nms.batched(new float[0], new float[0], new int[0], 0.5f));
    }

    @Test
    void splitPathKeepsWhatPlainNmsKeepsForApartGroups() {
        // from SPLIT_THRESHOLD candidates on, NMS runs per group: with each group in its own region of
        // the plane, plain NMS over everything must keep the same boxes in the same order
        Random r = new Random(7);
        int n = Nms.SPLIT_THRESHOLD + 500;
        float[] boxes = new float[4 * n];
        float[] scores = new float[n];
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
            groups[i] = r.nextInt(5);
            float x = r.nextInt(200) + 1000f * groups[i];
            float y = r.nextInt(200);
            boxes[4 * i] = x;
            boxes[4 * i + 1] = y;
            boxes[4 * i + 2] = x + 5 + r.nextInt(40);
            boxes[4 * i + 3] = y + 5 + r.nextInt(40);
            scores[i] = r.nextFloat();
        }
        assertArrayEquals(Nms.nms(boxes, scores, 0.5f), Nms.batched(boxes, scores, groups, 0.5f));
    }

    /** The primitive-key sort orders exactly as a stable sort by Float.compare (ties, NaN, ±0, infinities, subsets). */
    @Test
    void descendingMatchesAStableBoxedSort() {
        Random r = new Random(3);
        float[] specials = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (int t = 0; t < 20; t++) {
            int n = 1 + r.nextInt(3000);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(10);
                scores[i] = kind == 0 ? specials[r.nextInt(specials.length)] : kind < 4 ? r.nextInt(5) / 4f : (float) r.nextGaussian();
            }
            int[] subset = t % 2 == 0 ? null : r.ints(n / 2, 0, n).toArray();
            int m = subset == null ? n : subset.length;
            Integer[] idx = new Integer[m];
            for (int i = 0; i < m; i++) {
                idx[i] = subset == null ? i : subset[i];
            }
            java.util.Arrays.sort(idx, (a, b) -> Float.compare(scores[b], scores[a]));
            int[] want = java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(want, Nms.descending(scores, subset), "case " + t);
        }
    }
}
