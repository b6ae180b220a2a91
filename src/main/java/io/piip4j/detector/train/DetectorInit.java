package io.piip4j.detector.train;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.detector.MaskRcnn;
import io.piip4j.init.ReferenceInit;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.RandomWeights;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A fresh Mask R-CNN initialised as mmdetection's constructors do, for training from scratch:
 * the PIIP branches and interactions as the reference initialises them, the FPN's and the shared
 * fully-connected layers' weights Xavier-uniform, the RPN's and the box head's outputs normal with
 * std 0.01 (box deltas 0.001), mask-head convolutions Kaiming-normal, biases zero, norms one.
 */
public final class DetectorInit {
    private DetectorInit() {
    }

    public static void initialize(MaskRcnn model, long seed) {
        RandomWeights.fill(model, seed); // every parameter defined, norm scales 1; refined below
        for (Map.Entry<String, Module> c : model.backbone().children().entrySet()) {
            if (c.getValue() instanceof Branch b) {
                ReferenceInit.initBranch(b);
            }
        }
        Module interactions = model.backbone().children().get("interactions");
        if (interactions != null) {
            ReferenceInit.initInteractions(interactions, model.backbone().config().deformNumHeads(), model.backbone().config().nPoints());
        }
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("backbone.")) {
                continue;
            }
            Parameter p = e.getValue();
            long[] s = p.shape();
            if (k.endsWith(".bias")) {
                p.set(torch.zeros(s));
            } else if (s.length <= 1) {
                p.set(torch.ones(s));
            } else if (k.contains("rpn_cls") || k.contains("rpn_reg") || k.contains("fc_cls")) {
                p.set(normal(s, 0.01));
            } else if (k.contains("fc_reg")) {
                p.set(normal(s, 0.001));
            } else if (k.startsWith("roi_head.mask_head.")) {
                p.set(normal(s, Math.sqrt(2.0 / fanOut(s)))); // kaiming_normal, fan_out, relu
            } else {
                double bound = Math.sqrt(6.0 / (fanIn(s) + fanOut(s))); // xavier_uniform
                p.set(torch.rand(s).mul(new Scalar(2 * bound)).sub(new Scalar(bound)));
            }
        }
    }

    private static Tensor normal(long[] s, double std) {
        return torch.randn(s).mul(new Scalar(std));
    }

    /** Linear (out, in) and conv (out, in, kh, kw); transposed convs (in, out, kh, kw) are treated alike, as fan sizes only scale. */
    private static double fanIn(long[] s) {
        return s[1] * receptive(s);
    }

    private static double fanOut(long[] s) {
        return s[0] * receptive(s);
    }

    private static long receptive(long[] s) {
        long r = 1;
        for (int i = 2; i < s.length; i++) {
            r *= s[i];
        }
        return r;
    }
}
