package io.piip4j.segmentor.train;

import io.piip4j.init.ReferenceInit;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.RandomWeights;
import io.piip4j.segmentor.UperNet;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * A fresh UperNet initialised as mmsegmentation's constructors do, for training from scratch: the
 * backbone as the reference initialises it, every head convolution ({@code ConvModule}) Kaiming-normal
 * (fan out, ReLU), the classifiers {@code conv_seg} normal with std 0.01, biases zero, BatchNorm
 * scales one, running means zero, running variances one and the batch counters zero (int64, as
 * PyTorch keeps them).
 */
public final class SegmentorInit {
    private SegmentorInit() {
    }

    public static void initialize(UperNet model, long seed) {
        RandomWeights.fill(model, seed); // every entry defined; the backbone and heads are set below
        ReferenceInit.initialize(model.backbone());
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("backbone.")) {
                continue;
            }
            Parameter p = e.getValue();
            long[] s = p.shape();
            if (k.endsWith(".num_batches_tracked")) {
                p.set(torch.zeros(s, new TensorOptions(torch.ScalarType.Long)));
            } else if (k.endsWith(".bias") || k.endsWith(".running_mean")) {
                p.set(torch.zeros(s));
            } else if (s.length <= 1) { // BatchNorm weight, running_var
                p.set(torch.ones(s));
            } else if (k.contains("conv_seg.")) {
                p.set(torch.randn(s).mul(new Scalar(0.01)));
            } else {
                p.set(kaimingNormalFanOut(s));
            }
        }
    }

    private static Tensor kaimingNormalFanOut(long[] s) {
        long fanOut = s[0];
        for (int i = 2; i < s.length; i++) {
            fanOut *= s[i];
        }
        return torch.randn(s).mul(new Scalar(Math.sqrt(2.0 / fanOut)));
    }
}
