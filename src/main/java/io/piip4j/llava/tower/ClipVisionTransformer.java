package io.piip4j.llava.tower;

import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Module;

/**
 * Hugging Face {@code CLIPVisionTransformer} ({@code vision_model}) by its state-dict names:
 * {@code embeddings}, {@code pre_layrnorm} (sic), {@code encoder.layers.N}, {@code post_layernorm}.
 * The tower never applies the post-LayerNorm, but the release's checkpoints carry it.
 */
public final class ClipVisionTransformer extends Module {
    final ClipEmbeddings embeddings;
    final LayerNorm preLayrnorm;
    final Encoder encoder;

    public ClipVisionTransformer(ClipVisionConfig cfg) {
        this.embeddings = child("embeddings", new ClipEmbeddings(cfg));
        this.preLayrnorm = child("pre_layrnorm", new LayerNorm(cfg.hiddenSize(), cfg.layerNormEps()));
        this.encoder = child("encoder", new Encoder(cfg));
        child("post_layernorm", new LayerNorm(cfg.hiddenSize(), cfg.layerNormEps()));
    }

    /** {@code CLIPEncoder}: the numbered layers. */
    static final class Encoder extends Module {
        final ModuleList<ClipEncoderLayer> layers;

        Encoder(ClipVisionConfig cfg) {
            this.layers = child("layers", new ModuleList<>());
            for (int i = 0; i < cfg.numHiddenLayers(); i++) {
                layers.add(new ClipEncoderLayer(cfg));
            }
        }
    }
}
