package io.piip4j.detector.train;

import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonPath;
import io.piip4j.head.TestConfigs;
import io.piip4j.assign.MaxIouAssigner;
import io.piip4j.assign.RandomSampler;
import java.util.Set;

/**
 * A two-stage detector's {@code train_cfg}: the RPN's anchor assignment and sampling, the
 * proposals it hands to the second stage, and the R-CNN stage's proposal assignment, sampling and
 * mask size. The loss weights are the heads' {@code loss_weight}s.
 */
public record MaskRcnnTrainConfig(MaxIouAssigner rpnAssigner, RandomSampler rpnSampler, TestConfigs.Rpn rpnProposal,
        MaxIouAssigner rcnnAssigner, RandomSampler rcnnSampler, int maskSize, LossWeights weights) {

    /** The {@code loss_weight} of each loss, 1 in every released config. */
    public record LossWeights(double rpnCls, double rpnBbox, double cls, double bbox, double mask) {
        public static LossWeights ones() {
            return new LossWeights(1, 1, 1, 1, 1);
        }
    }

    /** mmdetection's Mask R-CNN settings, as in every released config. */
    public static MaskRcnnTrainConfig released() {
        return new MaskRcnnTrainConfig(MaxIouAssigner.rpn(), RandomSampler.rpn(), new TestConfigs.Rpn(2000, 1000, 0.7f, 0f),
                MaxIouAssigner.rcnn(), RandomSampler.rcnn(), 28, LossWeights.ones());
    }

    /**
     * Reads {@code model.train_cfg} (the defaults where absent) and the heads' loss weights.
     *
     * @param model the {@code model} object of an mmdetection config
     */
    public static MaskRcnnTrainConfig read(JsonPath model) {
        MaskRcnnTrainConfig d = released();
        if (!model.has("train_cfg")) {
            return d;
        }
        JsonPath t = model.object("train_cfg");
        JsonPath rpn = t.object("rpn");
        JsonPath proposal = t.object("rpn_proposal");
        JsonPath rcnn = t.object("rcnn");
        double[] w = {
            weight(model, "rpn_head", "loss_cls"), weight(model, "rpn_head", "loss_bbox"),
            weight(model.object("roi_head"), "bbox_head", "loss_cls"), weight(model.object("roi_head"), "bbox_head", "loss_bbox"),
            model.object("roi_head").has("mask_head") ? weight(model.object("roi_head"), "mask_head", "loss_mask") : 1};
        TestConfigs.Rpn p = new TestConfigs.Rpn(proposal.integer("nms_pre", 2000), proposal.integer("max_per_img", 1000),
                (float) proposal.object("nms").number("iou_threshold", 0.7), (float) proposal.number("min_bbox_size", 0.0));
        return new MaskRcnnTrainConfig(assigner(rpn.object("assigner")), sampler(rpn.object("sampler")), p,
                assigner(rcnn.object("assigner")), sampler(rcnn.object("sampler")), rcnn.positive("mask_size", 28),
                new LossWeights(w[0], w[1], w[2], w[3], w[4]));
    }

    private static MaxIouAssigner assigner(JsonPath a) {
        a.oneOf("type", "MaxIoUAssigner", Set.of("MaxIoUAssigner"));
        if (a.number("ignore_iof_thr", -1.0) >= 0) {
            throw a.error("ignore_iof_thr", "ignored boxes are not supported (every released config sets -1)");
        }
        if (a.node().get("neg_iou_thr") != null && a.node().get("neg_iou_thr").isArray()) {
            throw a.error("neg_iou_thr", "a (low, high) range is not supported yet");
        }
        return new MaxIouAssigner((float) a.number("pos_iou_thr", null), (float) a.number("neg_iou_thr", null),
                (float) a.number("min_pos_iou", 0.0), a.bool("match_low_quality", true), a.bool("gt_max_assign_all", true));
    }

    private static RandomSampler sampler(JsonPath s) {
        s.oneOf("type", "RandomSampler", Set.of("RandomSampler"));
        double fraction = s.number("pos_fraction", null);
        if (!(fraction > 0 && fraction <= 1)) {
            throw s.error("pos_fraction", "expected a fraction in (0, 1], got " + fraction);
        }
        return new RandomSampler(s.positive("num", null), (float) fraction, s.integer("neg_pos_ub", -1),
                s.bool("add_gt_as_proposals", true));
    }

    private static double weight(JsonPath parent, String head, String loss) {
        if (!parent.has(head) || !parent.object(head).has(loss)) {
            return 1;
        }
        JsonPath l = parent.object(head).object(loss);
        String type = l.string("type", "");
        if (!type.equals("CrossEntropyLoss") && !type.equals("L1Loss")) {
            throw l.error("type", "unsupported loss '" + type + "' (this trainer implements CrossEntropyLoss and L1Loss)");
        }
        double v = l.number("loss_weight", 1.0);
        if (v < 0) {
            throw new ConfigException(l.at("loss_weight") + ": must not be negative, got " + v);
        }
        return v;
    }
}
