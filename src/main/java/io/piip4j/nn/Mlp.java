package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** timm's ViT MLP: fc1 → GELU → fc2. */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Linear fc2;

    public Mlp(long dim, long hidden) {
        this.fc1 = child("fc1", new Linear(dim, hidden));
        this.fc2 = child("fc2", new Linear(hidden, dim));
    }

    public Tensor forward(Tensor x) {
        return fc2.forward(F.gelu(fc1.forward(x)));
    }
}
