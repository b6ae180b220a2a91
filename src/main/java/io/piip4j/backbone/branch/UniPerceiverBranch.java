package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A Uni-Perceiver branch ({@code UnifiedBertEncoder}): its visual embedding ({@code visual_embed}:
 * patch projection, the spatial position table of the pretraining grid resized bicubically to the
 * token grid, the first of its 8 temporal position embeddings, a LayerNorm with eps 1e-5) and its
 * {@link UniPerceiverLayer}s ({@code layers}, run in the groups of {@code interaction_indexes}).
 */
final class UniPerceiverBranch extends Branch {
    /** The reference's embedding divides sizes by 16 whatever the patch size. */
    private static final int REFERENCE_STRIDE = 16;

    private final ModuleList<UniPerceiverLayer> layers;
    private final VisualEmbedding visual;

    UniPerceiverBranch(BranchConfig cfg) {
        super(cfg);
        this.layers = child("layers", new ModuleList<>());
        for (int i = 0; i < cfg.depth(); i++) {
            int window = cfg.windowAttn()[i] ? cfg.windowSize()[i] : -1;
            layers.add(new UniPerceiverLayer(cfg.embedDim(), cfg.numHeads(), cfg.mlpHidden(), window));
        }
        this.visual = child("visual_embed", new VisualEmbedding(cfg));
    }

    @Override
    public Embedded embed(Tensor image) {
        return visual.forward(image);
    }

    @Override
    public List<UniPerceiverLayer> blocks() {
        return layers.items();
    }

    /** {@code VisualPatchEmbedding}: patch embedding with position tables, then {@code embeddings_norm}. */
    private static final class VisualEmbedding extends Module {
        private final BranchConfig cfg;
        private final LayerNorm embeddingsNorm;
        private final PatchEmbedding patchEmbed;

        VisualEmbedding(BranchConfig cfg) {
            this.cfg = cfg;
            this.embeddingsNorm = child("embeddings_norm", new LayerNorm(cfg.embedDim(), 1e-5));
            this.patchEmbed = child("patch_embed", new PatchEmbedding(cfg));
        }

        Embedded forward(Tensor image) {
            Tensor grid = patchEmbed.proj.forward(image);
            long h = image.size(2) / REFERENCE_STRIDE;
            long w = image.size(3) / REFERENCE_STRIDE;
            if (grid.size(2) != h || grid.size(3) != w) {
                throw new IllegalArgumentException(cfg.name() + ": Uni-Perceiver's embedding needs a patch size of 16 "
                        + "(its position table is resized to image size // 16), got " + cfg.patchSize());
            }
            Tensor tokens = grid.flatten(2, -1).transpose(1, 2);
            long g = cfg.pretrainImgSize() / REFERENCE_STRIDE;
            // the tables stay float32, as under autocast
            Tensor pos = resizedPosEmbed(patchEmbed.spatial.weight.get().unsqueeze(0), g, h, w);
            Tensor temporal = patchEmbed.temporal.weight.get().narrow(0, 0, 1).unsqueeze(0); // one frame: position 0
            return new Embedded(embeddingsNorm.forward(tokens.add(pos).add(temporal)), null, h, w);
        }
    }

    /** {@code PatchEmbed}: the projection and the position tables ({@code nn.Embedding}s). */
    private static final class PatchEmbedding extends Module {
        private final Embedding spatial;
        private final Embedding temporal;
        private final Conv2d proj;

        PatchEmbedding(BranchConfig cfg) {
            long grid = cfg.pretrainGridSize(); // num_patches of the pretraining size
            this.spatial = child("spatial_pos_embed", new Embedding(grid * grid, cfg.embedDim()));
            this.temporal = child("temporal_pos_embed", new Embedding(8, cfg.embedDim()));
            this.proj = child("proj", new Conv2d(3, cfg.embedDim(), cfg.patchSize(), cfg.patchSize(), 0, 1, true));
        }
    }

    /** {@code nn.Embedding}: a table {@code weight} (n, dim). */
    private static final class Embedding extends Module {
        private final Parameter weight;

        Embedding(long n, long dim) {
            this.weight = parameter("weight", n, dim);
        }
    }
}
