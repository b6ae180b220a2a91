package io.piip4j.eval.seg;

import io.piip4j.eval.EvalException;
import io.piip4j.eval.PairwiseSum;

/**
 * Semantic-segmentation metrics equal to mmsegmentation 0.27 ({@code mmseg.core.evaluation}):
 * per image, pixels labelled {@code ignoreIndex} are dropped, then intersection, prediction and
 * label areas are counted per class; the totals over images give IoU = I / U and Acc = I / label
 * area per class, aAcc = ΣI / Σlabel, and mIoU / mAcc as {@code np.nanmean}. With
 * {@code reduceZeroLabel} (ADE20K) label 0 becomes ignored and every other label moves down by
 * one. Two paths, as the reference has two: {@link #result()} with float64 totals
 * ({@code eval_metrics}) and {@link #resultFloat32()} with float32 sums and division
 * ({@code pre_eval_to_metrics}, the path of tools/test.py).
 *
 * <p>Unlike mmsegmentation, which silently leaves them out of the histograms, a label (after
 * reduction) or a prediction outside [0, numClasses) is an error naming the file and pixel.
 */
public final class SegmentationMetrics {
    private final int numClasses;
    private final int ignoreIndex;
    private final boolean reduceZeroLabel;
    private final long[] intersect;
    private final long[] union;
    private final long[] predArea;
    private final long[] labelArea;
    // float32 running sums over images, in image order, as Python's sum() of float32 tensors
    private final float[] intersect32;
    private final float[] union32;
    private final float[] label32;
    private int images;

    public SegmentationMetrics(int numClasses, int ignoreIndex, boolean reduceZeroLabel) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("number of classes must be at least 1, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.ignoreIndex = ignoreIndex;
        this.reduceZeroLabel = reduceZeroLabel;
        intersect = new long[numClasses];
        union = new long[numClasses];
        predArea = new long[numClasses];
        labelArea = new long[numClasses];
        intersect32 = new float[numClasses];
        union32 = new float[numClasses];
        label32 = new float[numClasses];
    }

    public int numClasses() {
        return numClasses;
    }

    /** The label value after mmsegmentation's reduce_zero_label (0 → ignored, others − 1). */
    public static int reduced(int label, boolean reduceZeroLabel) {
        if (!reduceZeroLabel) {
            return label;
        }
        // the reference does this on uint8 data: 0 -> 255 -> 254 -> 255
        if (label == 0 || label == 255) {
            return 255;
        }
        return label - 1;
    }

    /** Adds one image: prediction and label of the same size. */
    public void add(LabelMap pred, LabelMap label) {
        if (pred.height() != label.height() || pred.width() != label.width()) {
            throw new EvalException(pred.file() + ": prediction is " + pred.height() + "x" + pred.width() + " but label "
                    + label.file() + " is " + label.height() + "x" + label.width() + " (height x width)");
        }
        long[] i1 = new long[numClasses];
        long[] p1 = new long[numClasses];
        long[] l1 = new long[numClasses];
        int[] pv = pred.values();
        int[] lv = label.values();
        for (int j = 0; j < lv.length; j++) {
            int l = reduced(lv[j], reduceZeroLabel);
            if (l == ignoreIndex) {
                continue;
            }
            int p = pv[j];
            if (l < 0 || l >= numClasses) {
                throw new EvalException(label.file() + ": pixel (x=" + j % label.width() + ", y=" + j / label.width()
                        + ") has label " + lv[j] + (reduceZeroLabel ? " (class " + l + " after reduce-zero-label)" : "")
                        + ", outside the " + numClasses + " classes and not the ignore index " + ignoreIndex);
            }
            if (p < 0 || p >= numClasses) {
                throw new EvalException(pred.file() + ": pixel (x=" + j % pred.width() + ", y=" + j / pred.width()
                        + ") predicts class " + p + ", outside the " + numClasses + " classes");
            }
            p1[p]++;
            l1[l]++;
            if (p == l) {
                i1[l]++;
            }
        }
        for (int c = 0; c < numClasses; c++) {
            long u = p1[c] + l1[c] - i1[c];
            intersect[c] += i1[c];
            union[c] += u;
            predArea[c] += p1[c];
            labelArea[c] += l1[c];
            // per image the reference's histograms are float32, so is the union
            float fi = i1[c];
            float fu = (float) p1[c] + (float) l1[c] - fi;
            intersect32[c] += fi;
            union32[c] += fu;
            label32[c] += (float) l1[c];
        }
        images++;
    }

    public int images() {
        return images;
    }

    /** Per-class totals: intersection, union, prediction area, label area. */
    public long[][] totals() {
        return new long[][] {intersect.clone(), union.clone(), predArea.clone(), labelArea.clone()};
    }

    /** mmsegmentation's {@code eval_metrics} (float64 totals). */
    public SegmentationResult result() {
        double[] iou = new double[numClasses];
        double[] acc = new double[numClasses];
        double si = 0;
        double sl = 0;
        for (int c = 0; c < numClasses; c++) {
            iou[c] = (double) intersect[c] / (double) union[c];
            acc[c] = (double) intersect[c] / (double) labelArea[c];
            si += intersect[c];
            sl += labelArea[c];
        }
        return new SegmentationResult(si / sl, PairwiseSum.nanMean(iou), PairwiseSum.nanMean(acc), iou, acc);
    }

    /** mmsegmentation's {@code pre_eval_to_metrics} (float32 sums and division), as doubles. */
    public SegmentationResult resultFloat32() {
        float[] iou = new float[numClasses];
        float[] acc = new float[numClasses];
        float si = 0;
        float sl = 0;
        for (int c = 0; c < numClasses; c++) {
            iou[c] = intersect32[c] / union32[c];
            acc[c] = intersect32[c] / label32[c];
            si += intersect32[c];
            sl += label32[c];
        }
        return new SegmentationResult(si / sl, PairwiseSum.nanMean(iou), PairwiseSum.nanMean(acc), widen(iou), widen(acc));
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
