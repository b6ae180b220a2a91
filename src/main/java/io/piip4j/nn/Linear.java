package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.Linear}: {@code weight} (out × in) and optional {@code bias}. */
public final class Linear extends Module {
    public final long in;
    public final long out;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(long in, long out) {
        this(in, out, true);
    }

    public Linear(long in, long out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
    }

    public Tensor forward(Tensor x) {
        return F.linear(x, weight.get(), bias == null ? null : bias.get());
    }
}
