package io.piip4j.head;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.ops.DeltaXywhBoxCoder;
import io.piip4j.ops.Nms;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.25's {@code Shared2FCBBoxHead} ({@code ConvFCBBoxHead} with two shared fully
 * connected layers): flattened RoI features through {@code shared_fcs} with ReLU, then
 * {@code fc_cls} (classes + background, softmax) and {@code fc_reg} (class-specific deltas unless
 * {@code reg_class_agnostic}).
 */
public final class Shared2FcBBoxHead extends Module {
    private final ModuleList<Linear> sharedFcs;
    private final Linear fcCls;
    private final Linear fcReg;
    private final int numClasses;
    private final boolean classAgnostic;
    private final DeltaXywhBoxCoder coder;

    public Shared2FcBBoxHead(int inChannels, int roiFeatSize, int fcOutChannels, int numSharedFcs, int numClasses,
            boolean regClassAgnostic, DeltaXywhBoxCoder coder) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("bbox head: num_classes must be positive, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.classAgnostic = regClassAgnostic;
        this.coder = coder;
        this.sharedFcs = child("shared_fcs", new ModuleList<>());
        long in = (long) inChannels * roiFeatSize * roiFeatSize;
        for (int i = 0; i < numSharedFcs; i++) {
            sharedFcs.add(new Linear(in, fcOutChannels));
            in = fcOutChannels;
        }
        this.fcCls = child("fc_cls", new Linear(in, numClasses + 1));
        this.fcReg = child("fc_reg", new Linear(in, 4L * (regClassAgnostic ? 1 : numClasses)));
    }

    public int numClasses() {
        return numClasses;
    }

    /** Class logits (n, classes + 1) and deltas (n, 4 · classes) of pooled RoI features (n, C, s, s). */
    public DeltaXywhBoxCoder coder() {
        return coder;
    }

    public boolean classAgnostic() {
        return classAgnostic;
    }

    public Tensor[] forward(Tensor roiFeats) {
        Tensor x = roiFeats.flatten(1, -1);
        for (Linear fc : sharedFcs.items()) {
            x = F.relu(fc.forward(x));
        }
        return new Tensor[] {fcCls.forward(x), fcReg.forward(x)};
    }

    /**
     * {@code get_bboxes} then {@code multiclass_nms} for one image.
     *
     * @param rois        n × 4 proposals
     * @param scores      n × (classes + 1) softmax scores
     * @param deltas      n × 4·classes (or n × 4 when class-agnostic)
     * @param scaleFactor the image's 4 scale factors; boxes are divided by them when non-null
     */
    public Detections detect(float[] rois, float[] scores, float[] deltas, int n, int imgH, int imgW, float[] scaleFactor,
            TestConfigs.Rcnn cfg) {
        float[] boxes = coder.decode(rois, deltas, n, imgH, imgW);
        if (scaleFactor != null) {
            for (int i = 0; i < boxes.length; i++) {
                boxes[i] = boxes[i] / scaleFactor[i % 4];
            }
        }
        int perRoi = classAgnostic ? 1 : numClasses;
        int stride = numClasses + 1;
        int candidates = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < numClasses; c++) {
                if (scores[i * stride + c] > cfg.scoreThr()) {
                    candidates++;
                }
            }
        }
        float[] cBoxes = new float[4 * candidates];
        float[] cScores = new float[candidates];
        int[] cLabels = new int[candidates];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < numClasses; c++) {
                float s = scores[i * stride + c];
                if (s > cfg.scoreThr()) {
                    System.arraycopy(boxes, 4 * (i * perRoi + (classAgnostic ? 0 : c)), cBoxes, 4 * k, 4);
                    cScores[k] = s;
                    cLabels[k] = c;
                    k++;
                }
            }
        }
        int[] keep = Nms.batched(cBoxes, cScores, cLabels, cfg.iouThreshold());
        int count = cfg.maxPerImg() > 0 ? Math.min(cfg.maxPerImg(), keep.length) : keep.length;
        float[] dets = new float[5 * count];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(cBoxes, 4 * keep[i], dets, 5 * i, 4);
            dets[5 * i + 4] = cScores[keep[i]];
            labels[i] = cLabels[keep[i]];
        }
        return new Detections(count, dets, labels, 0, 0, null);
    }
}
