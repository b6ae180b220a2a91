package io.piip4j.llava.tower;

import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/** Hugging Face {@code CLIPEncoderLayer}: pre-norm attention and MLP residuals (LayerNorm eps from the config). */
public final class ClipEncoderLayer extends Module {
    private final ClipAttention selfAttn;
    private final LayerNorm norm1;
    private final ClipMlp mlp;
    private final LayerNorm norm2;

    public ClipEncoderLayer(ClipVisionConfig cfg) {
        this.selfAttn = child("self_attn", new ClipAttention(cfg.hiddenSize(), cfg.numAttentionHeads()));
        this.norm1 = child("layer_norm1", new LayerNorm(cfg.hiddenSize(), cfg.layerNormEps()));
        this.mlp = child("mlp", new ClipMlp(cfg.hiddenSize(), cfg.intermediateSize()));
        this.norm2 = child("layer_norm2", new LayerNorm(cfg.hiddenSize(), cfg.layerNormEps()));
    }

    public Tensor forward(Tensor x) {
        Tensor h = x.add(selfAttn.forward(norm1.forward(x)));
        return h.add(mlp.forward(norm2.forward(h)));
    }
}
