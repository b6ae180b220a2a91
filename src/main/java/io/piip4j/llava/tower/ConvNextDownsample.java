package io.piip4j.llava.tower;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/** A timm ConvNeXt stage's {@code downsample}: {@code 0} LayerNorm2d, {@code 1} 2×2 stride-2 conv. */
public final class ConvNextDownsample extends Module implements ConvNextLayer {
    private final LayerNorm2d norm;
    private final Conv2d conv;

    public ConvNextDownsample(long in, long out) {
        this.norm = child("0", new LayerNorm2d(in));
        this.conv = child("1", new Conv2d(in, out, 2, 2, 0, 1, true));
    }

    @Override
    public Tensor forward(Tensor x) {
        return conv.forward(norm.forward(x));
    }

    @Override
    public long outChannels() {
        return conv.outChannels;
    }
}
