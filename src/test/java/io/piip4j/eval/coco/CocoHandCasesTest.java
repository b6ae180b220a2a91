package io.piip4j.eval.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Small cases whose COCO numbers can be worked out by hand. */
class CocoHandCasesTest {
    private static final CocoCategory CAT = new CocoCategory(1, "thing");
    private static final CocoCategory UNSEEN = new CocoCategory(2, "never annotated");

    private static CocoSummary run(List<CocoImage> images, List<CocoObject> gt, List<CocoObject> dt) {
        CocoDataset data = new CocoDataset("test", images, List.of(CAT, UNSEEN), gt);
        return CocoSummary.of(CocoEvaluator.evaluate(data, dt, EvalParams.coco(IouType.BBOX)));
    }

    @Test
    void perfectPredictionIsOne() {
        // a 40x40 box: area 1600 is "medium"; small and large have no ground truth: -1
        CocoObject g = CocoObject.annotation(1, 1, 1, new double[] {10, 10, 40, 40}, 1600, false);
        CocoObject d = CocoObject.detection(1, 1, 1, new double[] {10, 10, 40, 40}, 0.9);
        CocoSummary s = run(List.of(new CocoImage(1, 100, 100)), List.of(g), List.of(d));
        // 1 up to pycocotools' rounding: precision is tp / (tp + fp + eps) = 1 / (1 + 2^-52), and the
        // means are numpy's; these are the exact values pycocotools gives for this case
        assertArrayEquals(new double[] {0.9999999999999998, 0.9999999999999999, 0.9999999999999999, -1, 0.9999999999999998,
            -1, 1, 1, 1, -1, 1, -1}, s.stats());
        assertEquals(1.0, s.perCategoryAp().get(1L), 1e-15);
        assertNull(s.perCategoryAp().get(2L), "a category without ground truth has no AP");
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000", s.lines().get(0));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000", s.lines().get(3));
    }

    @Test
    void oneBoxShiftedHalfItsWidth() {
        // IoU = 50*100 / (2*100*100 - 50*100) = 1/3: a miss at every threshold, a false positive
        CocoObject g = CocoObject.annotation(1, 1, 1, new double[] {0, 0, 100, 100}, 10000, false);
        CocoObject d = CocoObject.detection(1, 1, 1, new double[] {50, 0, 100, 100}, 0.9);
        CocoSummary s = run(List.of(new CocoImage(1, 300, 300)), List.of(g), List.of(d));
        assertEquals(0.0, s.stats()[0]);
        assertEquals(0.0, s.stats()[8]);
        // IoU 0.6 (box 0..100 vs 0..75 in x: 7500 / 10000... = 0.75): matches at 0.50..0.75, six of ten thresholds
        CocoObject d2 = CocoObject.detection(1, 1, 1, new double[] {0, 0, 75, 100}, 0.9);
        CocoSummary s2 = run(List.of(new CocoImage(1, 300, 300)), List.of(g), List.of(d2));
        assertEquals(0.6, s2.stats()[0], 1e-15);
        assertEquals(1.0, s2.stats()[1], 1e-15);
        assertEquals(1.0, s2.stats()[2], 1e-15);
        assertEquals(0.6, s2.stats()[8], 1e-15);
    }

    @Test
    void detectionsInsideACrowdRegionAreIgnored() {
        CocoObject g = CocoObject.annotation(1, 1, 1, new double[] {10, 10, 40, 40}, 1600, false);
        CocoObject crowd = CocoObject.annotation(2, 1, 1, new double[] {100, 100, 200, 200}, 40000, true);
        CocoObject hit = CocoObject.detection(1, 1, 1, new double[] {10, 10, 40, 40}, 0.5);
        // higher scores, inside the crowd: neither true nor false positives
        CocoObject inCrowd1 = CocoObject.detection(2, 1, 1, new double[] {120, 120, 30, 30}, 0.9);
        CocoObject inCrowd2 = CocoObject.detection(3, 1, 1, new double[] {200, 200, 40, 40}, 0.8);
        CocoSummary s = run(List.of(new CocoImage(1, 400, 400)), List.of(g, crowd), List.of(hit, inCrowd1, inCrowd2));
        assertEquals(1.0, s.stats()[0], 1e-15);
        // the crowd never counts as ground truth: "large" has none
        assertEquals(-1.0, s.stats()[5]);
    }

    @Test
    void falsePositiveOnAnImageWithoutAnnotations() {
        // image 2 has no ground truth; its detection scores higher than the true positive:
        // precision 1/2 at every recall, AP = 0.5; with one detection per image recall is still 1
        CocoObject g = CocoObject.annotation(1, 1, 1, new double[] {10, 10, 40, 40}, 1600, false);
        CocoObject tp = CocoObject.detection(1, 1, 1, new double[] {10, 10, 40, 40}, 0.9);
        CocoObject fp = CocoObject.detection(2, 2, 1, new double[] {10, 10, 40, 40}, 0.95);
        CocoSummary s = run(List.of(new CocoImage(1, 100, 100), new CocoImage(2, 100, 100)), List.of(g), List.of(tp, fp));
        assertEquals(0.5, s.stats()[0]);
        assertEquals(1.0, s.stats()[6]);
    }

    @Test
    void equalScoresKeepFileOrder() {
        // two detections tie on score; the first in the file (a miss) is ranked first:
        // precision at recall 1 is 1/2, the envelope carries it to recall 0
        CocoObject g = CocoObject.annotation(1, 1, 1, new double[] {10, 10, 40, 40}, 1600, false);
        CocoObject miss = CocoObject.detection(1, 1, 1, new double[] {60, 60, 30, 30}, 0.7);
        CocoObject hit = CocoObject.detection(2, 1, 1, new double[] {10, 10, 40, 40}, 0.7);
        CocoImage img = new CocoImage(1, 100, 100);
        assertEquals(0.5, run(List.of(img), List.of(g), List.of(miss, hit)).stats()[0]);
        assertEquals(1.0, run(List.of(img), List.of(g), List.of(hit, miss)).stats()[0], 1e-15);
    }

    @Test
    void noDetectionsAtAllGiveZero() {
        CocoObject g = CocoObject.annotation(1, 1, 1, new double[] {10, 10, 40, 40}, 1600, false);
        CocoSummary s = run(List.of(new CocoImage(1, 100, 100)), List.of(g), List.of());
        assertEquals(0.0, s.stats()[0]);
        assertEquals(0.0, s.stats()[8]);
    }

    @Test
    void thresholdsAreNumpyLinspace() {
        double[] t = EvalParams.coco(IouType.BBOX).iouThresholds();
        assertEquals(0.8999999999999999, t[8]);
        assertEquals(0.75, t[5]);
        assertEquals(0.95, t[9]);
        double[] r = EvalParams.coco(IouType.BBOX).recallThresholds();
        assertEquals(101, r.length);
        assertEquals(1.0, r[100]);
    }
}
