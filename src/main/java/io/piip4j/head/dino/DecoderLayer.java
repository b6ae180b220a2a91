package io.piip4j.head.dino;

import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A DINO decoder layer (mmdet's {@code DetrTransformerDecoderLayer}: self_attn, norm, cross_attn,
 * norm, ffn, norm): self-attention among the queries, deformable cross-attention into the encoder
 * memory around each query's box, FFN; each followed by LayerNorm.
 */
final class DecoderLayer extends Module {
    private final SelfAttention selfAttention;
    private final MSDeformAttn crossAttention;
    private final Ffn ffn;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;

    DecoderLayer(TransformerSpec spec) {
        ModuleList<Module> attentions = child("attentions", new ModuleList<>());
        this.selfAttention = new SelfAttention(spec.embedDims(), spec.selfAttentionHeads());
        this.crossAttention = new MSDeformAttn(spec.embedDims(), spec.numLevels(), spec.deformHeads(), spec.numPoints(), 1.0,
                spec.embedDims());
        attentions.add(selfAttention);
        attentions.add(crossAttention);
        this.ffn = child("ffns", new ModuleList<Ffn>()).add(new Ffn(spec.embedDims(), spec.feedforwardChannels()));
        ModuleList<LayerNorm> norms = child("norms", new ModuleList<>());
        this.norm1 = norms.add(new LayerNorm(spec.embedDims(), 1e-5));
        this.norm2 = norms.add(new LayerNorm(spec.embedDims(), 1e-5));
        this.norm3 = norms.add(new LayerNorm(spec.embedDims(), 1e-5));
    }

    MSDeformAttn crossAttention() {
        return crossAttention;
    }

    /**
     * @param query     (N, Q, E)
     * @param queryPos  (N, Q, E)
     * @param memory    (N, Len, E) the encoder's output
     * @param boxes     (N, Q, levels, 4) each query's reference box per level
     * @param padding   (N, Len) bool, true at padding
     */
    Tensor forward(Tensor query, Tensor queryPos, Tensor memory, Tensor boxes, MSDeformAttn.Levels levels, Tensor padding) {
        Tensor x = norm1.forward(selfAttention.forward(query, queryPos));
        x = norm2.forward(x.add(crossAttention.forward(x.add(queryPos), boxes, memory, levels, padding)));
        return norm3.forward(ffn.forward(x));
    }
}
