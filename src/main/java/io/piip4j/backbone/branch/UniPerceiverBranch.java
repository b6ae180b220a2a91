package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;

/**
 * A Uni-Perceiver branch ({@code UnifiedBertEncoder}), described by its parameters: BERT-style
 * layers ({@code self_attn.in_proj/out_proj} with biases, {@code linear1/2}, LayerNorms with eps
 * 1e-5, layer scale) and its visual embedding (patch projection, spatial and 8 temporal position
 * embeddings, a LayerNorm).
 */
final class UniPerceiverBranch extends DescribedBranch {

    UniPerceiverBranch(BranchConfig cfg) {
        super(cfg);
        long dim = cfg.embedDim();
        ModuleList<Layer> layers = child("layers", new ModuleList<>());
        for (int i = 0; i < cfg.depth(); i++) {
            layers.add(new Layer(dim, cfg.mlpHidden()));
        }
        child("visual_embed", new VisualEmbedding(cfg));
    }

    static final class Layer extends Module {
        Layer(long dim, long hidden) {
            child("self_attn", new SelfAttention(dim));
            child("linear1", new Linear(dim, hidden));
            child("linear2", new Linear(hidden, dim));
            child("norm1", new LayerNorm(dim, 1e-5));
            child("norm2", new LayerNorm(dim, 1e-5));
            parameter("gamma_1", dim);
            parameter("gamma_2", dim);
        }
    }

    static final class SelfAttention extends Module {
        SelfAttention(long dim) {
            child("in_proj", new Linear(dim, 3 * dim));
            child("out_proj", new Linear(dim, dim));
        }
    }

    static final class VisualEmbedding extends Module {
        VisualEmbedding(BranchConfig cfg) {
            child("embeddings_norm", new LayerNorm(cfg.embedDim(), 1e-5));
            child("patch_embed", new PatchEmbedding(cfg));
        }
    }

    /** Position embeddings as {@code nn.Embedding} tables ({@code .weight}): one per patch of the pretraining grid. */
    static final class PatchEmbedding extends Module {
        PatchEmbedding(BranchConfig cfg) {
            long grid = cfg.pretrainGridSize();
            child("spatial_pos_embed", new Embedding(grid * grid, cfg.embedDim()));
            child("temporal_pos_embed", new Embedding(8, cfg.embedDim()));
            child("proj", new Conv2d(3, cfg.embedDim(), cfg.patchSize(), cfg.patchSize(), 0, 1, true));
        }
    }

    static final class Embedding extends Module {
        Embedding(long n, long dim) {
            parameter("weight", n, dim);
        }
    }
}
