package io.piip4j.llava.tower;

import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** timm's {@code LayerNorm2d}: LayerNorm over the channels of a (B, C, H, W) map (eps 1e-6). */
public final class LayerNorm2d extends Module {
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm2d(long channels) {
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
    }

    public Tensor forward(Tensor x) {
        return F.layerNorm(x.permute(0, 2, 3, 1), weight.get(), bias.get(), 1e-6).permute(0, 3, 1, 2);
    }
}
