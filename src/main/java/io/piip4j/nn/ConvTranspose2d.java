package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.ConvTranspose2d(in, out, k, stride)} without padding: weight (in × out × k × k), bias. */
public final class ConvTranspose2d extends Module {
    private final long stride;
    private final Parameter weight;
    private final Parameter bias;

    public ConvTranspose2d(long in, long out, long kernel, long stride) {
        this.stride = stride;
        this.weight = parameter("weight", in, out, kernel, kernel);
        this.bias = parameter("bias", out);
    }

    public Tensor forward(Tensor x) {
        return F.convTranspose2d(x, weight.get(), bias.get(), stride);
    }
}
