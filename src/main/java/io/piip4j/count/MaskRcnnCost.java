package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.detector.MaskRcnn;
import io.piip4j.detector.MaskRcnnConfig;
import io.piip4j.head.RpnHead;
import io.piip4j.head.StandardRoiHead;
import io.piip4j.neck.Fpn;
import java.util.ArrayList;
import java.util.List;

/**
 * Mask R-CNN after the backbone (mmdetection 2.25 at test time): the FPN, the RPN head on every
 * level, the box head on {@code test_cfg.rpn.max_per_img} proposals and the mask head on
 * {@code test_cfg.rcnn.max_per_img} detections (the most the test path feeds them; mmdetection's
 * own {@code get_flops.py} assumes 1000 and 100 the same way). Layers up to the raw outputs are
 * counted; RoIAlign, proposal selection, decoding, NMS, scoring and mask pasting are not.
 */
final class MaskRcnnCost implements TaskHeadsCost {

    @Override
    public boolean describes(JsonNode root) {
        return MaskRcnnConfig.describes(root);
    }

    @Override
    public String kind() {
        return "Mask R-CNN";
    }

    @Override
    public List<PartCost> parts(JsonNode root, String name, List<FeatureMap> features, InputSize image) {
        MaskRcnnConfig cfg = MaskRcnnConfig.read(root, name);
        StandardRoiHead roi = MaskRcnn.newRoiHead(cfg);
        List<PartCost> parts = new ArrayList<>();
        Meter neck = new Meter("neck", "FPN, " + cfg.neck().numOuts() + " levels").params(MaskRcnn.newNeck(cfg));
        List<FeatureMap> levels = fpn(neck, cfg.neck(), features, name);
        parts.add(neck.result());
        parts.add(rpn(cfg, levels, name));
        int proposals = cfg.rpnTest().maxPerImg();
        if (proposals < 1) {
            throw new ConfigException(name + ": model.test_cfg.rpn.max_per_img: a positive number of proposals is needed to price the "
                    + "RoI head, got " + proposals);
        }
        Meter box = new Meter("roi_head.bbox_head", proposals + " proposals (test_cfg.rpn.max_per_img)").params(roi.bboxHead());
        boxHead(box, cfg.bboxHead(), proposals);
        parts.add(box.result());
        if (cfg.maskHead() != null) {
            int detections = cfg.rcnnTest().maxPerImg();
            if (detections < 1) {
                throw new ConfigException(name + ": model.test_cfg.rcnn.max_per_img: a positive number of detections is needed to "
                        + "price the mask head, got " + detections);
            }
            Meter mask = new Meter("roi_head.mask_head", detections + " detections (test_cfg.rcnn.max_per_img)").params(roi.maskHead());
            maskHead(mask, cfg.maskHead(), cfg.maskRoiExtractor().outputSize(), detections);
            parts.add(mask.result());
        }
        return parts;
    }

    /**
     * The FPN's forward; returns its output maps. Laterals and output convolutions are
     * {@code ConvModule}s without norm (so with bias) and without activation; the top-down upsampling
     * (nearest, a copy) adds each coarser lateral; extra levels are {@code F.max_pool2d(1, stride 2)}
     * or stride-2 3×3 convolutions.
     */
    static List<FeatureMap> fpn(Meter m, MaskRcnnConfig.Neck n, List<FeatureMap> in, String name) {
        int[] channels = n.inChannels();
        boolean match = channels.length == in.size();
        for (int i = 0; match && i < channels.length; i++) {
            match = channels[i] == in.get(i).channels();
        }
        if (!match) {
            throw new ConfigException(name + ": model.neck.in_channels: " + java.util.Arrays.toString(channels)
                    + ", but the backbone hands on " + in);
        }
        boolean toLast = n.endLevel() == -1 || n.endLevel() == channels.length - 1;
        int end = toLast ? channels.length : n.endLevel() + 1;
        int used = end - n.startLevel();
        long c = n.outChannels();
        List<FeatureMap> lateral = new ArrayList<>();
        for (int i = n.startLevel(); i < end; i++) {
            FeatureMap f = in.get(i);
            m.conv(f.height(), f.width(), f.channels(), c, 1, 1, true);
            lateral.add(new FeatureMap(c, f.height(), f.width()));
        }
        for (int i = used - 1; i > 0; i--) {
            m.elementwise(lateral.get(i - 1).elements());
        }
        List<FeatureMap> outs = new ArrayList<>();
        for (FeatureMap l : lateral) {
            m.conv(l.height(), l.width(), c, c, 3, 1, true);
            outs.add(l);
        }
        FeatureMap last = outs.get(used - 1);
        for (int i = used; i < n.numOuts(); i++) {
            FeatureMap prev = outs.get(outs.size() - 1);
            FeatureMap next;
            if (n.extra() == Fpn.ExtraSource.NONE) {
                next = new FeatureMap(c, half(prev.height()), half(prev.width()));
                m.maxPool(next.elements(), false); // kernel 1: one read per output
            } else {
                FeatureMap source = i > used ? prev : switch (n.extra()) {
                    case ON_INPUT -> in.get(end - 1);
                    case ON_LATERAL -> lateral.get(used - 1);
                    default -> last;
                };
                if (i > used && n.reluBeforeExtraConvs()) {
                    m.relu(prev.elements(), false);
                }
                next = new FeatureMap(c, half(source.height()), half(source.width()));
                m.conv(next.height(), next.width(), source.channels(), c, 3, 1, true);
            }
            outs.add(next);
        }
        return outs;
    }

    /** A 3×3 stride-2 convolution with padding 1, or a stride-2 pool of kernel 1: ⌈n / 2⌉. */
    static long half(long n) {
        return (n + 1) / 2;
    }

    /** The RPN head on every level: a shared 3×3 convolution, {@code F.relu}, 1×1 objectness and box convolutions. */
    private static PartCost rpn(MaskRcnnConfig cfg, List<FeatureMap> levels, String name) {
        MaskRcnnConfig.RpnHead r = cfg.rpnHead();
        int strides = r.anchors().strides().length;
        if (strides != levels.size()) {
            throw new ConfigException(name + ": model.rpn_head.anchor_generator.strides: " + strides + " strides for the neck's "
                    + levels.size() + " levels");
        }
        RpnHead head = MaskRcnn.newRpnHead(cfg);
        Meter m = new Meter("rpn_head", "all " + levels.size() + " levels").params(head);
        long anchors = head.anchors().numBaseAnchors();
        for (FeatureMap f : levels) {
            if (f.channels() != r.inChannels()) {
                throw new ConfigException(name + ": model.rpn_head.in_channels: " + r.inChannels() + ", but the neck gives "
                        + f.channels());
            }
            m.conv(f.height(), f.width(), r.inChannels(), r.featChannels(), 3, 1, true);
            m.relu(f.cells() * r.featChannels(), false);
            m.conv(f.height(), f.width(), r.featChannels(), anchors, 1, 1, true);
            m.conv(f.height(), f.width(), r.featChannels(), 4 * anchors, 1, 1, true);
        }
        return m.result();
    }

    /** Shared2FCBBoxHead on {@code rois} pooled RoIs: flatten, shared fully connected layers with {@code nn.ReLU}, fc_cls, fc_reg. */
    static void boxHead(Meter m, MaskRcnnConfig.BBoxHead b, long rois) {
        long in = (long) b.inChannels() * b.roiFeatSize() * b.roiFeatSize();
        for (int i = 0; i < b.numSharedFcs(); i++) {
            m.linear(rois, in, b.fcOutChannels(), true, true);
            m.relu(rois * b.fcOutChannels(), true);
            in = b.fcOutChannels();
        }
        m.linear(rois, in, b.numClasses() + 1, true, true);
        m.linear(rois, in, 4L * (b.regClassAgnostic() ? 1 : b.numClasses()), true, true);
    }

    /**
     * FCNMaskHead on {@code rois} pooled s×s RoIs: {@code ConvModule}s (convolution, {@code nn.ReLU}),
     * a 2×2 stride-2 deconvolution with {@code nn.ReLU}, a 1×1 convolution to one logit map per class.
     */
    static void maskHead(Meter m, MaskRcnnConfig.MaskHead h, long size, long rois) {
        long in = h.inChannels();
        long c = h.convOutChannels();
        for (int i = 0; i < h.numConvs(); i++) {
            m.conv(rois * size, size, in, c, h.convKernelSize(), 1, true); // rois maps of size×size, stacked
            m.relu(rois * size * size * c, true);
            in = c;
        }
        m.convTranspose(rois * size, size, in, c, 2, true);
        m.relu(rois * 4 * size * size * c, true);
        m.conv(rois * 2 * size, 2 * size, c, h.numClasses(), 1, 1, true);
    }
}
