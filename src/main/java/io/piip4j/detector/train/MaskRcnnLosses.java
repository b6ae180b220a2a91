package io.piip4j.detector.train;

import io.piip4j.detector.MaskRcnn;
import io.piip4j.head.ImageMeta;
import io.piip4j.head.RpnHead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * The training forward of a Mask R-CNN ({@code forward_train}): backbone, FPN, RPN losses, the
 * RPN's proposals (from its detached outputs, with {@code train_cfg.rpn_proposal}), then the R-CNN
 * stage's box and mask losses. Returns mmdetection's named losses, in its order; the trainer sums
 * them for the backward pass and logs each.
 */
public final class MaskRcnnLosses {
    private final MaskRcnn model;
    private final MaskRcnnTrainConfig cfg;
    private Random rnd;

    /** @param seed the samplers' draws (the reference's come from torch's generator) */
    public MaskRcnnLosses(MaskRcnn model, MaskRcnnTrainConfig cfg, long seed) {
        this.model = model;
        this.cfg = cfg;
        this.rnd = new Random(seed);
    }

    /** The samplers' generator state (a resumed run continues the same draws). */
    public byte[] samplerState() {
        return io.piip4j.train.RandomState.save(rnd);
    }

    public void restoreSamplerState(byte[] state, String source) {
        this.rnd = io.piip4j.train.RandomState.load(state, source);
    }

    /**
     * @param images normalised, padded batch (B, 3, H, W), with gradients where the caller trains
     * @param metas  one per image ({@code img_shape} clips the proposals)
     * @param gts    one per image
     */
    public Map<String, Tensor> losses(Tensor images, List<ImageMeta> metas, List<GroundTruth> gts) {
        if (metas.size() != images.size(0) || gts.size() != metas.size()) {
            throw new IllegalArgumentException(images.size(0) + " images, " + metas.size() + " metas, " + gts.size() + " ground truths");
        }
        List<Tensor> feats = model.backbone().forwardOutputs(images);
        List<Tensor> levels = model.neck().forward(feats);
        RpnHead rpn = model.rpnHead();
        RpnHead.Outputs out = rpn.forward(levels);
        Map<String, Tensor> losses = new LinkedHashMap<>();
        RpnLoss.Result r = RpnLoss.compute(rpn, out, gts, cfg, rnd);
        losses.put(RpnLoss.CLS, r.cls());
        losses.put(RpnLoss.BBOX, r.bbox());
        List<float[]> proposals = new ArrayList<>();
        RpnHead.Outputs detached = new RpnHead.Outputs(out.clsScores().stream().map(Tensor::detach).toList(),
                out.bboxPreds().stream().map(Tensor::detach).toList());
        for (int i = 0; i < metas.size(); i++) {
            proposals.add(rpn.proposals(detached, i, metas.get(i).imgH(), metas.get(i).imgW(), cfg.rpnProposal()));
        }
        RoiLoss.Result roi = RoiLoss.compute(model.roiHead(), levels, proposals, gts, cfg, rnd);
        losses.put(RoiLoss.CLS, roi.cls());
        losses.put(RoiLoss.BBOX, roi.bbox());
        if (roi.mask() != null) {
            losses.put(RoiLoss.MASK, roi.mask());
        }
        return losses;
    }
}
