package io.piip4j.eval.coco;

/**
 * The matches of one image and category in one area range (pycocotools' per-image "evalImgs"
 * entry), reduced to what accumulation reads: the kept detections' scores (highest first) and,
 * per IoU threshold, whether each is a true positive, a false positive or ignored (matched to a
 * crowd or out-of-range object, or unmatched and itself out of range).
 */
final class ImageEvaluation {
    static final byte FALSE_POSITIVE = 0;
    static final byte TRUE_POSITIVE = 1;
    static final byte IGNORED = 2;

    final double[] scores;
    /** [threshold][detection] flattened. */
    final byte[] outcome;
    /** Ground truth that counts (not crowd, inside the area range). */
    final int countedGt;

    ImageEvaluation(double[] scores, byte[] outcome, int countedGt) {
        this.scores = scores;
        this.outcome = outcome;
        this.countedGt = countedGt;
    }
}
