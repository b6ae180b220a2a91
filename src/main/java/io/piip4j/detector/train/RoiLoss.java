package io.piip4j.detector.train;

import io.piip4j.head.FcnMaskHead;
import io.piip4j.head.Shared2FcBBoxHead;
import io.piip4j.head.SingleRoiExtractor;
import io.piip4j.head.StandardRoiHead;
import io.piip4j.assign.AssignResult;
import io.piip4j.assign.SamplingResult;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.x's {@code StandardRoIHead.forward_train}: proposals (with the ground truths
 * added) assigned and sampled per image, positives first; box classification by softmax
 * cross-entropy over every sample (background = {@code numClasses}), class-specific box deltas by
 * L1 over the positives divided by the number of samples, and masks of the positives by sigmoid
 * cross-entropy on their class's channel against the RoIAligned ground truth, averaged over pixels.
 */
final class RoiLoss {
    static final String CLS = "loss_cls";
    static final String BBOX = "loss_bbox";
    static final String MASK = "loss_mask";

    private RoiLoss() {
    }

    record Result(Tensor cls, Tensor bbox, Tensor mask) {
    }

    /** @param proposals per image, n × 5 ({@code x1 y1 x2 y2 score}) */
    static Result compute(StandardRoiHead head, List<Tensor> feats, List<float[]> proposals, List<GroundTruth> gts,
            MaskRcnnTrainConfig cfg, Random rnd) {
        List<SamplingResult> sampled = new ArrayList<>();
        List<float[]> boxesPerImage = new ArrayList<>();
        List<float[]> posPerImage = new ArrayList<>();
        for (int i = 0; i < gts.size(); i++) {
            GroundTruth gt = gts.get(i);
            float[] p = proposals.get(i);
            AssignResult a = cfg.rcnnAssigner().assign(p, p.length / 5, 5, gt.boxes(), gt.labels());
            SamplingResult s = cfg.rcnnSampler().sample(a, p, 5, gt.boxes(), gt.labels(), rnd);
            sampled.add(s);
            float[] pos = s.posBoxes();
            float[] neg = s.negBoxes();
            float[] both = new float[pos.length + neg.length];
            System.arraycopy(pos, 0, both, 0, pos.length);
            System.arraycopy(neg, 0, both, pos.length, neg.length);
            boxesPerImage.add(both);
            posPerImage.add(pos);
        }
        Shared2FcBBoxHead bboxHead = head.bboxHead();
        int numClasses = bboxHead.numClasses();
        float[] rois = SingleRoiExtractor.toRois(boxesPerImage, 4);
        int n = rois.length / 5;
        Tensor[] out = bboxHead.forward(head.bboxRoiExtractor().forwardDifferentiable(feats, rois, n));
        int[] labels = new int[n];
        List<Integer> posRows = new ArrayList<>();
        List<Integer> posLabels = new ArrayList<>();
        List<float[]> deltas = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < gts.size(); i++) {
            SamplingResult s = sampled.get(i);
            float[] matched = new float[4 * s.numPos()];
            for (int k = 0; k < s.numPos(); k++) {
                System.arraycopy(gts.get(i).boxes(), 4 * s.posGtInds()[k], matched, 4 * k, 4);
                labels[row] = s.posLabels()[k];
                posRows.add(row);
                posLabels.add(bboxHead.classAgnostic() ? 0 : s.posLabels()[k]);
                row++;
            }
            deltas.add(bboxHead.coder().encode(s.posBoxes(), matched, s.numPos()));
            for (int k = 0; k < s.numNeg(); k++) {
                labels[row++] = numClasses;
            }
        }
        Tensor lossCls = Losses.softmaxCrossEntropy(out[0], labels);
        Tensor lossBbox;
        int numPos = posRows.size();
        if (numPos == 0) {
            lossBbox = out[1].sum().mul(new Scalar(0.0));
        } else {
            float[] target = new float[4 * numPos];
            int at = 0;
            for (float[] d : deltas) {
                System.arraycopy(d, 0, target, at, d.length);
                at += d.length;
            }
            Tensor pred = Losses.pick(out[1], ints(posRows), ints(posLabels), 4);
            lossBbox = Losses.l1(pred, Tensors.fromFloats(target, numPos, 4), Tensors.fromFloats(ones(4 * numPos), numPos, 4), n);
        }
        Tensor lossMask = mask(head, feats, posPerImage, sampled, gts, cfg);
        MaskRcnnTrainConfig.LossWeights w = cfg.weights();
        return new Result(lossCls.mul(new Scalar(w.cls())), lossBbox.mul(new Scalar(w.bbox())),
                lossMask == null ? null : lossMask.mul(new Scalar(w.mask())));
    }

    private static Tensor mask(StandardRoiHead head, List<Tensor> feats, List<float[]> posPerImage, List<SamplingResult> sampled,
            List<GroundTruth> gts, MaskRcnnTrainConfig cfg) {
        FcnMaskHead maskHead = head.maskHead();
        if (maskHead == null) {
            return null;
        }
        float[] rois = SingleRoiExtractor.toRois(posPerImage, 4);
        int p = rois.length / 5;
        if (p == 0) {
            // no positives: a zero that still reaches the mask head's parameters, as mask_pred.sum()
            Tensor none = maskHead.forward(head.maskRoiExtractor().forwardDifferentiable(feats, SingleRoiExtractor.toRois(
                    List.of(new float[] {0, 0, 1, 1}), 4), 1));
            return none.sum().mul(new Scalar(0.0));
        }
        Tensor logits = maskHead.forward(head.maskRoiExtractor().forwardDifferentiable(feats, rois, p));
        int size = (int) logits.size(2);
        if (size != cfg.maskSize()) {
            throw new IllegalStateException("mask head gives " + size + "×" + size + " masks, train_cfg.rcnn.mask_size is " + cfg.maskSize());
        }
        float[] targets = new float[p * size * size];
        int[] rows = new int[p];
        int[] labels = new int[p];
        int at = 0;
        for (int i = 0; i < gts.size(); i++) {
            SamplingResult s = sampled.get(i);
            float[] t = MaskTargets.of(gts.get(i), s.posBoxes(), s.posGtInds(), size);
            System.arraycopy(t, 0, targets, at * size * size, t.length);
            for (int k = 0; k < s.numPos(); k++, at++) {
                rows[at] = at;
                labels[at] = s.posLabels()[k];
            }
        }
        Tensor pred = Losses.pick(logits.reshape(p, -1), rows, labels, size * size);
        return Losses.sigmoidBce(pred, Tensors.fromFloats(targets, p, size * size), Tensors.fromFloats(ones(p * size * size), p,
                size * size), (double) p * size * size);
    }

    private static int[] ints(List<Integer> v) {
        return v.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        java.util.Arrays.fill(o, 1f);
        return o;
    }
}
