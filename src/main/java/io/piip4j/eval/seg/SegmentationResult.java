package io.piip4j.eval.seg;

/**
 * mmsegmentation's mIoU metrics: overall pixel accuracy, per-class IoU and accuracy (NaN where a
 * class is absent from both prediction and label, resp. from the label) and their NaN-ignoring
 * means.
 */
public record SegmentationResult(double aAcc, double mIoU, double mAcc, double[] iou, double[] acc) {
}
