package io.piip4j.backbone.branch;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.DropPath;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import org.bytedeco.pytorch.Tensor;

/**
 * The units PIIP's {@code ConvNextHFWrapper} runs one by one, with Hugging Face's
 * {@code ConvNextModel} parameter names: a stage's downsampling layer ({@code downsampling_layer},
 * channels-first LayerNorm then a 2×2 stride-2 conv) and its layers ({@code ConvNextLayer}: 7×7
 * depthwise conv, LayerNorm, pointwise linears with GELU, layer scale, residual). Both work on
 * feature maps (B, C, H, W); as token blocks they take and return (B, H·W, C) tokens (the
 * downsampling layer's output on the halved grid).
 */
final class ConvNextBlocks {
    private ConvNextBlocks() {
    }

    /** A unit of the wrapper's block list: map in, map out. */
    abstract static class Unit extends Module implements TokenBlock {
        abstract Tensor forwardMap(Tensor map);

        /** How much the unit shrinks the grid (2 for a downsampling layer). */
        abstract int stride();

        @Override
        public final Tensor forward(Tensor x, long h, long w) {
            return toTokens(forwardMap(toMap(x, h, w)));
        }
    }

    /** (B, H·W, C) → (B, C, H, W), as the wrapper's transpose + reshape. */
    static Tensor toMap(Tensor tokens, long h, long w) {
        return tokens.transpose(1, 2).reshape(tokens.size(0), tokens.size(2), h, w);
    }

    /** (B, C, H, W) → (B, H·W, C). */
    static Tensor toTokens(Tensor map) {
        return map.reshape(map.size(0), map.size(1), map.size(2) * map.size(3)).transpose(1, 2);
    }

    /** {@code downsampling_layer}: {@code .0} channels-first LayerNorm (eps 1e-6), {@code .1} 2×2 stride-2 conv. */
    static final class Downsampling extends Unit {
        private final ChannelsFirstLayerNorm norm;
        private final Conv2d conv;

        Downsampling(long in, long out) {
            this.norm = child("0", new ChannelsFirstLayerNorm(in, 1e-6));
            this.conv = child("1", new Conv2d(in, out, 2, 2, 0, 1, true));
        }

        @Override
        Tensor forwardMap(Tensor map) {
            return conv.forward(norm.forward(map));
        }

        @Override
        int stride() {
            return 2;
        }
    }

    /** {@code ConvNextLayer}. */
    static final class Layer extends Unit {
        private final Parameter layerScale;
        private final Conv2d dwconv;
        private final LayerNorm layernorm;
        private final Linear pwconv1;
        private final Linear pwconv2;
        private double dropPath;

        Layer(long dim, boolean withLayerScale) {
            this.layerScale = withLayerScale ? parameter("layer_scale_parameter", dim) : null;
            this.dwconv = child("dwconv", new Conv2d(dim, dim, 7, 1, 3, dim, true));
            this.layernorm = child("layernorm", new LayerNorm(dim, 1e-6));
            this.pwconv1 = child("pwconv1", new Linear(dim, 4 * dim));
            this.pwconv2 = child("pwconv2", new Linear(4 * dim, dim));
        }

        @Override
        public void setDropPath(double rate) {
            this.dropPath = rate;
        }

        @Override
        Tensor forwardMap(Tensor map) {
            Tensor x = layernorm.forward(dwconv.forward(map).permute(0, 2, 3, 1)); // channels last
            x = pwconv2.forward(pwconv1.forwardGelu(x, false));
            if (layerScale != null) {
                x = x.mul(layerScale.get());
            }
            x = x.permute(0, 3, 1, 2);
            return map.add(DropPath.apply(x, dropPath, isTraining()));
        }

        @Override
        int stride() {
            return 1;
        }
    }
}
