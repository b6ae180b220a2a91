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
    void splitPathAgreesWithTheOffsetPath() {
        Random r = new Random(7);
        int n = Nms.SPLIT_THRESHOLD + 500;
        float[] boxes = new float[4 * n];
        float[] scores = new float[n];
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
            float x = r.nextInt(200);
            float y = r.nextInt(200);
            boxes[4 * i] = x;
            boxes[4 * i + 1] = y;
            boxes[4 * i + 2] = x + 5 + r.nextInt(40);
            boxes[4 * i + 3] = y + 5 + r.nextInt(40);
            scores[i] = r.nextFloat();
            groups[i] = r.nextInt(5);
        }
        int[] split = Nms.batched(boxes, scores, groups, 0.5f);
        // the same candidates below the threshold, one group at a time
        java.util.List<Integer> expected = new java.util.ArrayList<>();
        for (int g = 0; g < 5; g++) {
            java.util.List<Integer> members = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (groups[i] == g) {
                    members.add(i);
                }
            }
            float[] b = new float[4 * members.size()];
            float[] s = new float[members.size()];
            for (int m = 0; m < members.size(); m++) {
                System.arraycopy(boxes, 4 * members.get(m), b, 4 * m, 4);
                s[m] = scores[members.get(m)];
            }
            for (int k : Nms.nms(b, s, 0.5f)) {
                expected.add(members.get(k));
            }
        }
        int[] exp = expected.stream().mapToInt(Integer::intValue).sorted().toArray();
        assertArrayEquals(Nms.descending(scores, exp), split);
    }
}
