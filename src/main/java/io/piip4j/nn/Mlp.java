package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's ViT MLP: fc1 → GELU → fc2. The {@code fused_mlp} variant (flash-attn's FusedMLP) has the
 * same weights but the tanh approximation of GELU.
 */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Linear fc2;
    private final boolean tanhGelu;

    public Mlp(long dim, long hidden) {
        this(dim, hidden, false);
    }

    public Mlp(long dim, long hidden, boolean tanhGelu) {
        this.fc1 = child("fc1", new Linear(dim, hidden));
        this.fc2 = child("fc2", new Linear(hidden, dim));
        this.tanhGelu = tanhGelu;
    }

    public Tensor forward(Tensor x) {
        return fc2.forward(fc1.forwardGelu(x, tanhGelu));
    }
}
