package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.Conv2d} with square kernel, stride and padding. */
public final class Conv2d extends Module {
    public final long inChannels;
    public final long outChannels;
    public final long kernel;
    public final long stride;
    public final long padding;
    public final long groups;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(long in, long out, long kernel, long stride, long padding, long groups, boolean bias) {
        this.inChannels = in;
        this.outChannels = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.weight = parameter("weight", out, in / groups, kernel, kernel);
        this.bias = bias ? parameter("bias", out) : null;
    }

    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight.get(), bias == null ? null : bias.get(), stride, padding, groups);
    }
}
