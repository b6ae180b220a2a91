package io.piip4j.llava.lm;

import io.piip4j.nn.Module;
import io.piip4j.nn.RMSNorm;
import org.bytedeco.pytorch.Tensor;

/**
 * Hugging Face's {@code LlamaModel} by its state-dict names ({@code embed_tokens},
 * {@code layers.N}, {@code norm}): input embeddings through the decoder layers to the final
 * RMS-normed hidden states, extending a {@link KvCache}.
 */
public final class LlamaDecoder extends Module {
    private final LlamaConfig cfg;
    private final TokenEmbedding embedTokens;
    private final ModuleList<LlamaDecoderLayer> layers;
    private final RMSNorm norm;
    private RotaryEmbedding rotary;

    public LlamaDecoder(LlamaConfig cfg) {
        this.cfg = cfg;
        this.embedTokens = child("embed_tokens", new TokenEmbedding(cfg.vocabSize(), cfg.hiddenSize()));
        this.layers = child("layers", new ModuleList<>());
        for (int i = 0; i < cfg.numHiddenLayers(); i++) {
            layers.add(new LlamaDecoderLayer(cfg));
        }
        this.norm = child("norm", new RMSNorm(cfg.hiddenSize(), cfg.rmsNormEps()));
        this.rotary = new RotaryEmbedding(cfg.headDim(), cfg.ropeTheta());
    }

    /** Uses these rotary inverse frequencies (headDim/2 values) instead of those of {@code rope_theta}. */
    public void useRotaryFrequencies(float[] invFreq) {
        rotary = rotary.withInverseFrequencies(invFreq);
    }

    public LlamaConfig config() {
        return cfg;
    }

    public TokenEmbedding embedTokens() {
        return embedTokens;
    }

    public KvCache newCache() {
        return new KvCache(cfg.numHiddenLayers());
    }

    /** (B, n, hidden) embeddings of the tokens after the cache's; returns the normed hidden states (B, n, hidden). */
    public Tensor forward(Tensor embeds, KvCache cache) {
        long n = embeds.size(1);
        long start = cache.length();
        if (start + n > cfg.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("the sequence would reach " + (start + n) + " tokens, over the model's "
                    + cfg.maxPositionEmbeddings() + " (max_position_embeddings)");
        }
        Tensor[] cs = rotary.cosSin(start, n);
        Tensor x = embeds;
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, cs[0], cs[1], cache, i);
        }
        return norm.forward(x);
    }
}
