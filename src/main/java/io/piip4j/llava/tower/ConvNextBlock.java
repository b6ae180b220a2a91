package io.piip4j.llava.tower;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code ConvNeXtBlock} as the release patches it ({@code ConvNeXtBlockWithoutGamma}): 7×7
 * depthwise conv, channels-last LayerNorm (eps 1e-6), {@code mlp.fc1} → GELU → {@code mlp.fc2},
 * scaled by the layer scale stored as {@code weight} (timm's {@code gamma}), plus the input.
 */
public final class ConvNextBlock extends Module implements ConvNextLayer {
    private final long channels;
    private final Conv2d convDw;
    private final LayerNorm norm;
    private final Linear fc1;
    private final Linear fc2;
    private final Parameter scale;

    public ConvNextBlock(long channels) {
        this.channels = channels;
        this.scale = parameter("weight", channels);
        this.convDw = child("conv_dw", new Conv2d(channels, channels, 7, 1, 3, channels, true));
        this.norm = child("norm", new LayerNorm(channels, 1e-6));
        Mlp mlp = child("mlp", new Mlp(channels));
        this.fc1 = mlp.fc1;
        this.fc2 = mlp.fc2;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = norm.forward(convDw.forward(x).permute(0, 2, 3, 1));
        h = fc2.forward(F.gelu(fc1.forward(h))).permute(0, 3, 1, 2);
        return h.mul(scale.get().view(1, channels, 1, 1)).add(x);
    }

    @Override
    public long outChannels() {
        return channels;
    }

    /** timm's {@code Mlp} (ratio 4): the block's {@code mlp.fc1} / {@code mlp.fc2}. */
    static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;

        Mlp(long channels) {
            this.fc1 = child("fc1", new Linear(channels, 4 * channels));
            this.fc2 = child("fc2", new Linear(4 * channels, channels));
        }
    }
}
