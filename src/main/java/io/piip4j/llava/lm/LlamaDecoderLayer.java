package io.piip4j.llava.lm;

import io.piip4j.nn.Module;
import io.piip4j.nn.RMSNorm;
import org.bytedeco.pytorch.Tensor;

/** Hugging Face's {@code LlamaDecoderLayer}: RMS-normed attention and MLP residuals. */
public final class LlamaDecoderLayer extends Module {
    private final LlamaAttention selfAttn;
    private final LlamaMlp mlp;
    private final RMSNorm inputNorm;
    private final RMSNorm postAttnNorm;

    public LlamaDecoderLayer(LlamaConfig cfg) {
        this.selfAttn = child("self_attn", new LlamaAttention(cfg));
        this.mlp = child("mlp", new LlamaMlp(cfg.hiddenSize(), cfg.intermediateSize()));
        this.inputNorm = child("input_layernorm", new RMSNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
        this.postAttnNorm = child("post_attention_layernorm", new RMSNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
    }

    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KvCache cache, int layer) {
        Tensor h = x.add(selfAttn.forward(inputNorm.forward(x), cos, sin, cache, layer));
        return h.add(mlp.forward(postAttnNorm.forward(h)));
    }
}
