package io.piip4j.eval.coco;

import java.util.Arrays;
import java.util.List;

/**
 * The settings of a COCO evaluation, pycocotools' {@code Params}: IoU thresholds .50:.05:.95 and
 * recall thresholds 0:.01:1 (both as {@code np.linspace} computes them, so e.g. the ninth IoU
 * threshold is 0.8999999999999999, not 0.9), detections kept per image, the area ranges and
 * whether categories are told apart ({@code useCats}; off for proposal recall).
 *
 * @param imageIds the images to evaluate, or null for all images of the ground truth
 * @param categoryIds the categories, or null for all (sorted; with useCats off, in file order)
 */
public record EvalParams(IouType iouType, double[] iouThresholds, double[] recallThresholds, int[] maxDets,
        double[][] areaRanges, List<String> areaLabels, boolean useCategories, long[] imageIds, long[] categoryIds) {

    public static final List<String> AREA_LABELS = List.of("all", "small", "medium", "large");

    public EvalParams {
        maxDets = maxDets.clone();
        Arrays.sort(maxDets);
        if (maxDets.length == 0 || maxDets[0] < 1) {
            throw new IllegalArgumentException("maxDets must be positive, got " + Arrays.toString(maxDets));
        }
        if (areaRanges.length != areaLabels.size()) {
            throw new IllegalArgumentException("one label per area range");
        }
    }

    /** pycocotools' defaults: maxDets 1/10/100. */
    public static EvalParams coco(IouType type) {
        return new EvalParams(type, linspace(.5, 0.95, 10), linspace(0, 1, 101), new int[] {1, 10, 100},
                new double[][] {{0, 1e5 * 1e5}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e5 * 1e5}},
                AREA_LABELS, true, null, null);
    }

    /** mmdetection 2.x's {@code CocoDataset.evaluate}: maxDets 100/300/1000 (its proposal_nums). */
    public static EvalParams mmdet(IouType type) {
        return coco(type).withMaxDets(100, 300, 1000);
    }

    /** mmdetection's {@code proposal} metric: class-agnostic box recall at 100/300/1000 proposals. */
    public static EvalParams mmdetProposal() {
        EvalParams p = mmdet(IouType.BBOX);
        return new EvalParams(p.iouType, p.iouThresholds, p.recallThresholds, p.maxDets, p.areaRanges, p.areaLabels,
                false, null, null);
    }

    public EvalParams withMaxDets(int... dets) {
        return new EvalParams(iouType, iouThresholds, recallThresholds, dets, areaRanges, areaLabels, useCategories,
                imageIds, categoryIds);
    }

    /** The same settings on these images only (pycocotools' {@code params.imgIds}). */
    public EvalParams withImageIds(long... ids) {
        return new EvalParams(iouType, iouThresholds, recallThresholds, maxDets, areaRanges, areaLabels, useCategories,
                ids.clone(), categoryIds);
    }

    /**
     * {@code np.linspace(start, stop, num)}: {@code i * step + start} with step = (stop − start) /
     * (num − 1), and the last value exactly {@code stop}.
     */
    public static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }
}
