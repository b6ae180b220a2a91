package io.piip4j.target;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.ops.DeltaXywhBoxCoder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** mmdetection's MaxIoUAssigner and RandomSampler on small cases worked out by hand. */
class AssignAndSampleTest {
    @Test
    void iouAsBboxOverlaps() {
        float[] a = {0, 0, 10, 10, 3, 3, 3, 3};
        float[] b = {5, 5, 15, 15, 0, 0, 10, 10};
        float[] iou = BoxIou.matrix(a, 2, 4, b, 2, 4);
        assertArrayEquals(new float[] {25f / 175f, 1f, 0f, 0f}, iou, 1e-7f);
    }

    @Test
    void rpnAssignmentWithLowQualityMatches() {
        float[] gts = {0, 0, 10, 10, 20, 20, 30, 30};
        int[] labels = {0, 0};
        float[] anchors = {
            0, 0, 10, 10,      // IoU 1 with gt 0: positive
            0, 0, 10, 20,      // IoU 0.5 with gt 0: between the thresholds, ignored
            100, 100, 110, 110, // no overlap: negative
            20, 20, 30, 40,    // IoU 0.5 with gt 1, its best: positive only by the low-quality match
            0, 0, 10, 11};     // IoU 10/11 with gt 0: positive
        AssignResult r = MaxIouAssigner.rpn().assign(anchors, 5, 4, gts, labels);
        assertArrayEquals(new int[] {1, -1, 0, 2, 1}, r.gtInds());
        assertArrayEquals(new int[] {0, -1, -1, 0, 0}, r.labels());
        assertArrayEquals(new float[] {1f, 0.5f, 0f, 0.5f, 100f / 110f}, r.maxOverlaps(), 1e-6f);
        // without low-quality matching gt 1 has no positive
        AssignResult strict = new MaxIouAssigner(0.7f, 0.3f, 0.3f, false, true).assign(anchors, 5, 4, gts, labels);
        assertEquals(-1, strict.gtInds()[3]);
        // ties at a ground truth's best IoU are all assigned (gt_max_assign_all)
        float[] twins = {20, 20, 30, 40, 20, 10, 30, 30};
        assertArrayEquals(new int[] {2, 2}, MaxIouAssigner.rpn().assign(twins, 2, 4, gts, labels).gtInds());
        assertArrayEquals(new int[] {2, -1}, new MaxIouAssigner(0.7f, 0.3f, 0.3f, true, false).assign(twins, 2, 4, gts, labels).gtInds());
        // an image without objects: everything is background
        assertArrayEquals(new int[] {0, 0, 0, 0, 0}, MaxIouAssigner.rpn().assign(anchors, 5, 4, new float[0], new int[0]).gtInds());
    }

    @Test
    void samplerKeepsTheFractionsAndAddsTheGroundTruth() {
        int n = 1300;
        int[] gtInds = new int[n];
        for (int i = 0; i < 300; i++) {
            gtInds[i] = 1;
        }
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        Arrays.fill(labels, 0, 300, 4);
        AssignResult many = new AssignResult(1, gtInds, new float[n], labels);
        float[] boxes = new float[4 * n];
        SamplingResult s = RandomSampler.rpn().sample(many, boxes, 4, new float[] {0, 0, 1, 1}, new int[] {4}, new Random(1));
        assertEquals(128, s.numPos());
        assertEquals(128, s.numNeg());
        assertEquals(128, Arrays.stream(s.posInds()).distinct().filter(i -> i < 300).count());
        assertEquals(128, Arrays.stream(s.negInds()).distinct().filter(i -> i >= 300).count());
        // few positives: all of them, negatives fill the rest
        int[] few = new int[n];
        Arrays.fill(few, 0, 10, 1);
        SamplingResult f = RandomSampler.rpn().sample(new AssignResult(1, few, new float[n], labels), boxes, 4, new float[4], new int[] {4},
                new Random(1));
        assertEquals(10, f.numPos());
        assertEquals(246, f.numNeg());
        // the R-CNN sampler prepends the ground truths, each a positive of itself
        float[] gts = {1, 2, 3, 4, 5, 6, 7, 8};
        SamplingResult r = RandomSampler.rcnn().sample(new AssignResult(2, new int[] {0, 0, -1}, new float[3], new int[] {-1, -1, -1}),
                new float[12], 4, gts, new int[] {7, 9}, new Random(2));
        assertArrayEquals(new int[] {0, 1}, r.posInds());
        assertArrayEquals(new int[] {0, 1}, r.posGtInds());
        assertArrayEquals(new int[] {7, 9}, r.posLabels());
        assertArrayEquals(new int[] {2, 3}, r.negInds());
        assertArrayEquals(gts, r.posBoxes());
        assertTrue(r.boxes().length == 20);
    }

    @Test
    void encodeInvertsDecode() {
        DeltaXywhBoxCoder coder = new DeltaXywhBoxCoder(new float[] {0, 0, 0, 0}, new float[] {0.1f, 0.1f, 0.2f, 0.2f});
        float[] boxes = {10, 10, 50, 30, 0, 0, 8, 8};
        float[] gts = {12, 8, 60, 36, 1, 2, 5, 9};
        float[] deltas = coder.encode(boxes, gts, 2);
        // dx = ((36 - 30) / 40) / 0.1 = 1.5 ; dw = log(48 / 40) / 0.2
        assertEquals(1.5f, deltas[0], 1e-5f);
        assertEquals((float) (Math.log(48.0 / 40.0) / 0.2), deltas[2], 1e-5f);
        assertArrayEquals(gts, coder.decode(boxes, deltas, 2, 0, 0), 1e-4f);
    }
}
