package io.piip4j.llava.tower;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/** Hugging Face {@code CLIPMLP} with CLIP's {@code quick_gelu}: {@code fc2(x·σ(1.702x))} of {@code fc1(x)}. */
public final class ClipMlp extends Module {
    private final Linear fc1;
    private final Linear fc2;

    public ClipMlp(long dim, long hidden) {
        this.fc1 = child("fc1", new Linear(dim, hidden));
        this.fc2 = child("fc2", new Linear(hidden, dim));
    }

    public Tensor forward(Tensor x) {
        Tensor h = fc1.forward(x);
        return fc2.forward(quickGelu(h));
    }

    static Tensor quickGelu(Tensor x) {
        return x.mul(x.mul(new org.bytedeco.pytorch.Scalar(1.702)).sigmoid());
    }
}
