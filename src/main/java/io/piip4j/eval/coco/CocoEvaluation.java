package io.piip4j.eval.coco;

/**
 * The accumulated result of a COCO evaluation (pycocotools' {@code eval} after
 * {@code accumulate()}): interpolated precision [T][R][K][A][M] and recall [T][K][A][M], −1
 * where a category has no counted ground truth in that setting.
 *
 * @param categoryIds the evaluated categories in index order (one entry, −1, when categories are
 *     not told apart)
 */
public record CocoEvaluation(EvalParams params, long[] categoryIds, double[] precision, double[] recall) {

    public int thresholds() {
        return params.iouThresholds().length;
    }

    public int recalls() {
        return params.recallThresholds().length;
    }

    public int categories() {
        return categoryIds.length;
    }

    public int areas() {
        return params.areaRanges().length;
    }

    public int maxDetsCount() {
        return params.maxDets().length;
    }

    public double precision(int t, int r, int k, int a, int m) {
        return precision[(((t * recalls() + r) * categories() + k) * areas() + a) * maxDetsCount() + m];
    }

    public double recall(int t, int k, int a, int m) {
        return recall[((t * categories() + k) * areas() + a) * maxDetsCount() + m];
    }
}
