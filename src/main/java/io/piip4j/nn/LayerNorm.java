package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.LayerNorm(dim, eps)} over the last dimension. */
public final class LayerNorm extends Module implements Norm {
    private final Parameter weight;
    private final Parameter bias;
    private final double eps;

    public LayerNorm(long dim, double eps) {
        this.weight = parameter("weight", dim);
        this.bias = parameter("bias", dim);
        this.eps = eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return hooked() ? call(FORWARD, () -> F.layerNorm(x, weight.get(), bias.get(), eps))
                : F.layerNorm(x, weight.get(), bias.get(), eps);
    }
}
