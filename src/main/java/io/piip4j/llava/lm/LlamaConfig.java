package io.piip4j.llava.lm;

import io.piip4j.llava.config.JsonKeys;

/**
 * The decoder's shape, as Hugging Face's {@code LlamaConfig} names it in {@code config.json}.
 * Only the default rotary embedding (no {@code rope_scaling}) and bias-free projections are
 * supported, which is what LLaVA-1.5 (Vicuna-7B/13B) uses.
 */
public record LlamaConfig(long vocabSize, long hiddenSize, long intermediateSize, int numHiddenLayers, int numAttentionHeads,
        int numKeyValueHeads, long maxPositionEmbeddings, double rmsNormEps, double ropeTheta, boolean tieWordEmbeddings) {

    public LlamaConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads "
                    + numKeyValueHeads);
        }
        if ((hiddenSize / numAttentionHeads) % 2 != 0) {
            throw new IllegalArgumentException("the rotary embedding needs an even head dimension, got " + hiddenSize / numAttentionHeads);
        }
    }

    public long headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Reads the keys of {@code LlamaConfig} (HF defaults where a key is absent, as transformers does). */
    public static LlamaConfig read(JsonKeys c) {
        if (c.has("rope_scaling")) {
            throw c.error("rope_scaling", "only the default rotary embedding is supported, got " + c.raw("rope_scaling"));
        }
        if (c.bool("attention_bias", false) || c.bool("mlp_bias", false)) {
            throw c.error("attention_bias", "projections with biases are not supported");
        }
        String act = c.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw c.error("hidden_act", "only silu is supported, got '" + act + "'");
        }
        int heads = c.positiveInt("num_attention_heads", 32);
        if (c.has("head_dim") && c.positive("head_dim", null) != c.positive("hidden_size", 4096L) / heads) {
            throw c.error("head_dim", "must equal hidden_size / num_attention_heads");
        }
        return new LlamaConfig(c.positive("vocab_size", 32000L), c.positive("hidden_size", 4096L), c.positive("intermediate_size", 11008L),
                c.positiveInt("num_hidden_layers", 32), heads, c.positiveInt("num_key_value_heads", heads),
                c.positive("max_position_embeddings", 2048L), c.number("rms_norm_eps", 1e-6), c.number("rope_theta", 10000.0),
                c.bool("tie_word_embeddings", false));
    }
}
