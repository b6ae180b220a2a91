package io.piip4j.target;

/**
 * mmdetection 2.x's {@code MaxIoUAssigner} (with {@code ignore_iof_thr = -1}, as every released
 * config): a candidate whose best IoU is below {@code negIouThr} is negative, at least
 * {@code posIouThr} positive for its best ground truth; with {@code matchLowQuality}, each ground
 * truth also takes the candidates that overlap it most (if at least {@code minPosIou}), later
 * ground truths overriding earlier ones, so that no object is left without a positive.
 *
 * @param gtMaxAssignAll every candidate tied at a ground truth's best IoU is assigned, not just the first
 */
public record MaxIouAssigner(float posIouThr, float negIouThr, float minPosIou, boolean matchLowQuality, boolean gtMaxAssignAll) {

    /** The RPN's released settings (0.7 / 0.3 / 0.3, low-quality matches). */
    public static MaxIouAssigner rpn() {
        return new MaxIouAssigner(0.7f, 0.3f, 0.3f, true, true);
    }

    /** The R-CNN stage's released settings (0.5 / 0.5 / 0.5, low-quality matches). */
    public static MaxIouAssigner rcnn() {
        return new MaxIouAssigner(0.5f, 0.5f, 0.5f, true, true);
    }

    /**
     * @param boxes    n candidates ({@code stride} values each, the first 4 the box)
     * @param gts      ng × 4 ground-truth boxes
     * @param gtLabels ng labels
     */
    public AssignResult assign(float[] boxes, int n, int stride, float[] gts, int[] gtLabels) {
        int ng = gtLabels.length;
        int[] gtInds = new int[n];
        float[] maxOverlaps = new float[n];
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, -1);
        if (ng == 0 || n == 0) {
            // no objects: every candidate is background (gtInds stay 0)
            return new AssignResult(ng, gtInds, maxOverlaps, labels);
        }
        float[] iou = BoxIou.matrix(gts, ng, 4, boxes, n, stride); // ng × n
        int[] argmax = new int[n];
        java.util.Arrays.fill(gtInds, -1);
        for (int j = 0; j < n; j++) {
            float best = -1f;
            for (int g = 0; g < ng; g++) {
                float v = iou[g * n + j];
                if (v > best) { // first maximum, as torch.max
                    best = v;
                    argmax[j] = g;
                }
            }
            maxOverlaps[j] = best;
            if (best >= 0 && best < negIouThr) {
                gtInds[j] = 0;
            }
            if (best >= posIouThr) {
                gtInds[j] = argmax[j] + 1;
            }
        }
        if (matchLowQuality) {
            for (int g = 0; g < ng; g++) {
                float gtMax = -1f;
                int gtArg = 0;
                for (int j = 0; j < n; j++) {
                    if (iou[g * n + j] > gtMax) {
                        gtMax = iou[g * n + j];
                        gtArg = j;
                    }
                }
                if (gtMax >= minPosIou) {
                    if (gtMaxAssignAll) {
                        for (int j = 0; j < n; j++) {
                            if (iou[g * n + j] == gtMax) {
                                gtInds[j] = g + 1;
                            }
                        }
                    } else {
                        gtInds[gtArg] = g + 1;
                    }
                }
            }
        }
        for (int j = 0; j < n; j++) {
            if (gtInds[j] > 0) {
                labels[j] = gtLabels[gtInds[j] - 1];
            }
        }
        return new AssignResult(ng, gtInds, maxOverlaps, labels);
    }
}
