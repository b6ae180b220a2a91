package io.piip4j.nn;

import io.piip4j.tensor.F;
import io.piip4j.tensor.OneDnn;
import io.piip4j.tensor.PackedWeight;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.Linear}: {@code weight} (out × in) and optional {@code bias}. */
public final class Linear extends Module {
    public final long in;
    public final long out;
    private final Parameter weight;
    private final Parameter bias;
    /** The weight in oneDNN's layout for inference on CPU; training uses the plain weight. */
    private final PackedWeight packed = new PackedWeight();

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
        Tensor w = weight.get();
        Tensor b = bias == null ? null : bias.get();
        if (OneDnn.applies(w) && x.dim() >= 2) {
            Tensor in = F.like(x, w);
            return OneDnn.linear(in, packed.of(w, in.numel() / in.size(-1)), b);
        }
        return F.linear(x, w, b);
    }
}
