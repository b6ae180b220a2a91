package io.piip4j.detector.train;

import io.piip4j.head.RpnHead;
import io.piip4j.ops.AnchorGenerator;
import io.piip4j.ops.DeltaXywhBoxCoder;
import io.piip4j.assign.AssignResult;
import io.piip4j.assign.SamplingResult;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * mmdetection 2.x's {@code AnchorHead.loss} for the RPN: anchors of every level assigned to the
 * ground truth and sampled per image; objectness by sigmoid cross-entropy over the sampled anchors,
 * box deltas by L1 over the positives, both divided by the number of sampled anchors in the batch.
 */
final class RpnLoss {
    static final String CLS = "loss_rpn_cls";
    static final String BBOX = "loss_rpn_bbox";

    private RpnLoss() {
    }

    record Result(Tensor cls, Tensor bbox) {
    }

    static Result compute(RpnHead head, RpnHead.Outputs out, List<GroundTruth> gts, MaskRcnnTrainConfig cfg, Random rnd) {
        AnchorGenerator gen = head.anchors();
        DeltaXywhBoxCoder coder = head.coder();
        int batch = gts.size();
        // every anchor of every level, in the order the flattened outputs have: level, y, x, anchor
        List<float[]> perLevel = new ArrayList<>();
        int total = 0;
        List<Tensor> cls = new ArrayList<>();
        List<Tensor> reg = new ArrayList<>();
        for (int l = 0; l < out.clsScores().size(); l++) {
            Tensor c = out.clsScores().get(l);
            float[] a = gen.gridAnchors(l, (int) c.size(2), (int) c.size(3));
            perLevel.add(a);
            total += a.length / 4;
            cls.add(c.permute(0, 2, 3, 1).reshape(batch, -1));
            reg.add(out.bboxPreds().get(l).permute(0, 2, 3, 1).reshape(batch, -1, 4));
        }
        float[] anchors = new float[4 * total];
        int at = 0;
        for (float[] a : perLevel) {
            System.arraycopy(a, 0, anchors, at, a.length);
            at += a.length;
        }
        float[] target = new float[batch * total];
        float[] weight = new float[batch * total];
        float[] boxTarget = new float[batch * total * 4];
        float[] boxWeight = new float[batch * total * 4];
        long samples = 0;
        for (int i = 0; i < batch; i++) {
            GroundTruth gt = gts.get(i);
            // the RPN is class-agnostic: every object is foreground
            int[] fg = new int[gt.count()];
            AssignResult assign = cfg.rpnAssigner().assign(anchors, total, 4, gt.boxes(), fg);
            SamplingResult s = cfg.rpnSampler().sample(assign, anchors, 4, gt.boxes(), fg, rnd);
            int base = i * total;
            for (int k = 0; k < s.numNeg(); k++) {
                weight[base + s.negInds()[k]] = 1f;
            }
            float[] matched = new float[4 * s.numPos()];
            for (int k = 0; k < s.numPos(); k++) {
                System.arraycopy(gt.boxes(), 4 * s.posGtInds()[k], matched, 4 * k, 4);
            }
            float[] deltas = coder.encode(s.posBoxes(), matched, s.numPos());
            for (int k = 0; k < s.numPos(); k++) {
                int j = base + s.posInds()[k];
                target[j] = 1f;
                weight[j] = 1f;
                System.arraycopy(deltas, 4 * k, boxTarget, 4 * j, 4);
                java.util.Arrays.fill(boxWeight, 4 * j, 4 * j + 4, 1f);
            }
            samples += s.numPos() + s.numNeg();
        }
        double avg = Math.max(1, samples);
        Tensor logits = torch.cat(new org.bytedeco.pytorch.TensorVector(cls.toArray(new Tensor[0])), 1);
        Tensor deltas = torch.cat(new org.bytedeco.pytorch.TensorVector(reg.toArray(new Tensor[0])), 1);
        Tensor lossCls = Losses.sigmoidBce(logits, Tensors.fromFloats(target, batch, total), Tensors.fromFloats(weight, batch, total), avg);
        Tensor lossBbox = Losses.l1(deltas, Tensors.fromFloats(boxTarget, batch, total, 4), Tensors.fromFloats(boxWeight, batch, total, 4), avg);
        return new Result(lossCls.mul(new org.bytedeco.pytorch.Scalar(cfg.weights().rpnCls())),
                lossBbox.mul(new org.bytedeco.pytorch.Scalar(cfg.weights().rpnBbox())));
    }
}
