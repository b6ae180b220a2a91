package io.piip4j.llava.lm;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Hugging Face's {@code LlamaMLP}: {@code down_proj(silu(gate_proj(x)) · up_proj(x))}, no biases. */
public final class LlamaMlp extends Module {
    private final Linear gate;
    private final Linear up;
    private final Linear down;

    public LlamaMlp(long hidden, long intermediate) {
        this.gate = child("gate_proj", new Linear(hidden, intermediate, false));
        this.up = child("up_proj", new Linear(hidden, intermediate, false));
        this.down = child("down_proj", new Linear(intermediate, hidden, false));
    }

    public Tensor forward(Tensor x) {
        return down.forward(torch.silu(gate.forward(x)).mul(up.forward(x)));
    }
}
