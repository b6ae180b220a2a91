package io.piip4j.head.dino;

import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A deformable encoder layer (mmcv's {@code BaseTransformerLayer}, operation order self_attn, norm,
 * ffn, norm): multi-scale deformable self-attention over all levels (offsets and weights from
 * {@code x + pos}, values from {@code x} with padding zeroed, plus {@code x}), LayerNorm, FFN,
 * LayerNorm.
 */
final class EncoderLayer extends Module {
    private final MSDeformAttn attention;
    private final Ffn ffn;
    private final LayerNorm norm1;
    private final LayerNorm norm2;

    EncoderLayer(TransformerSpec spec) {
        ModuleList<Module> attentions = child("attentions", new ModuleList<>());
        this.attention = new MSDeformAttn(spec.embedDims(), spec.numLevels(), spec.deformHeads(), spec.numPoints(), 1.0,
                spec.embedDims());
        attentions.add(attention);
        this.ffn = child("ffns", new ModuleList<Ffn>()).add(new Ffn(spec.embedDims(), spec.feedforwardChannels()));
        ModuleList<LayerNorm> norms = child("norms", new ModuleList<>());
        this.norm1 = norms.add(new LayerNorm(spec.embedDims(), 1e-5));
        this.norm2 = norms.add(new LayerNorm(spec.embedDims(), 1e-5));
    }

    MSDeformAttn attention() {
        return attention;
    }

    /**
     * @param x         (N, Len, E) the levels' tokens
     * @param pos       (N, Len, E) positional + level embedding
     * @param reference (N, Len, levels, 2) each token's cell centre, per level
     * @param padding   (N, Len) bool, true at padding
     */
    Tensor forward(Tensor x, Tensor pos, Tensor reference, MSDeformAttn.Levels levels, Tensor padding) {
        Tensor y = norm1.forward(x.add(attention.forward(x.add(pos), reference, x, levels, padding)));
        return norm2.forward(ffn.forward(y));
    }
}
