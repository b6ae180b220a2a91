package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.BranchKind;
import io.piip4j.config.ConfigException;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Norm;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Scoped;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One branch of the pyramid (a ViT, or a ConvNeXt): patch/position embedding, its blocks (run in
 * groups between interactions) and, for classification with separate heads, its own final norm and head.
 * Parameter names are the reference's, so checkpoints load by name.
 */
public abstract class Branch extends Module {
    /** The steps the pyramid reports to forward hooks: the embedding, and a group of blocks. */
    public static final String EMBED = "embed";
    public static final String BLOCKS = "blocks";

    protected final BranchConfig config;
    protected Module norm;
    protected Linear head;
    private UpLayers upLayers;

    protected Branch(BranchConfig config) {
        this.config = config;
    }

    /** A branch of the classification models (DeiT- or InternViT-style, the kinds the classifiers are released with). */
    public static Branch create(BranchConfig cfg, boolean withHead) {
        return switch (cfg.kind()) {
            case DEIT -> new DeitBranch(cfg, withHead);
            case INTERNVIT -> new InternVitBranch(cfg, withHead);
            default -> throw new ConfigException(cfg.name() + ": branch kind " + cfg.kind().label()
                    + " is for the detection and segmentation backbones, not classification");
        };
    }

    /** A branch of the detection / segmentation backbones, of any kind. */
    public static Branch createDense(BranchConfig cfg) {
        return switch (cfg.kind()) {
            case DEIT -> new DeitBranch(cfg, false, true);
            case INTERNVIT -> new InternVitBranch(cfg, false, true);
            case BEIT -> new BeitBranch(cfg);
            case UNIPERCEIVER -> new UniPerceiverBranch(cfg);
            case CONVNEXT -> new ConvNextBranch(cfg);
        };
    }

    /**
     * Adds the single-branch baselines' own output layers ({@code with_fpn}; {@link UpLayers}),
     * InternViT6B's {@code with_final_norm} ending each with a LayerNorm.
     */
    protected final void addUpLayers(boolean internStyle, boolean finalNorm) {
        this.upLayers = new UpLayers(this, config.embedDim(), internStyle && finalNorm);
    }

    final UpLayers.Up registerUp(String name, UpLayers.Up up) {
        return child(name, up);
    }

    /** Whether the branch has its own output layers ({@code with_fpn}). */
    public final boolean hasUpLayers() {
        return upLayers != null;
    }

    /**
     * The baseline's four levels (strides 4, 8, 16, 32 for patch 16) through up1…up4: from one
     * stride-16 map, or level i from the i-th of four.
     */
    public final List<Tensor> upLevels(List<Tensor> maps) {
        if (upLayers == null) {
            throw new IllegalStateException(config.name() + " has no output layers (with_fpn)");
        }
        List<Tensor> out = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Tensor map = maps.get(maps.size() == 1 ? 0 : i);
            int level = i;
            out.add(Scoped.one(() -> upLayers.level(level, map)));
        }
        return out;
    }

    /**
     * A position-embedding table (1, g·g, C) on its g×g grid, resized bicubically (in float32,
     * align_corners=False) to h×w tokens, as the reference's {@code _get_pos_embed}.
     */
    protected static Tensor resizedPosEmbed(Tensor table, long g, long h, long w) {
        long dim = table.size(2);
        Tensor grid = table.reshape(1, g, g, dim).permute(0, 3, 1, 2).to(ScalarType.Float);
        return F.interpolateBicubic(grid, h, w).reshape(1, -1, h * w).permute(0, 2, 1);
    }

    /** For a position table added without resizing: the token grid must be the table's. */
    protected final void checkGrid(long h, long w) {
        long g = config.posEmbedGrid();
        if (h != g || w != g) {
            throw new IllegalArgumentException(config.name() + ": input gives a " + h + "x" + w + " token grid, the branch's "
                    + "position embedding is for " + g + "x" + g + " (its img_size " + g * config.patchSize() + ")");
        }
    }

    /** Registers the final norm and classification head used by {@code separate_head}. */
    protected final void addNormAndHead(Module normLayer) {
        this.norm = child("norm", normLayer);
        this.head = child("head", new Linear(config.embedDim(), config.numClasses()));
    }

    public BranchConfig config() {
        return config;
    }

    public long embedDim() {
        return config.embedDim();
    }

    public BranchKind kind() {
        return config.kind();
    }

    /** Patch tokens (B, H·W, C) with position embedding added, the class token (or null), and the grid. */
    public record Embedded(Tensor tokens, Tensor cls, long h, long w) {
    }

    public abstract Embedded embed(Tensor image);

    public abstract List<? extends TokenBlock> blocks();

    /** Runs blocks [first, last] on the patch tokens, with the class token prepended when present. */
    public Embedded forwardBlocks(Embedded e, int first, int last) {
        Tensor x = e.cls() == null ? e.tokens() : F.cat(1, e.cls(), e.tokens());
        for (int i = first; i <= last; i++) {
            TokenBlock block = blocks().get(i);
            Tensor in = x;
            x = Scoped.one(() -> block.forward(in, e.h(), e.w())); // each block's temporaries freed as it ends
        }
        if (e.cls() == null) {
            return new Embedded(x, null, e.h(), e.w());
        }
        TensorVector parts = x.split_with_sizes(new long[] {1, x.size(1) - 1}, 1);
        return new Embedded(parts.get(1), parts.get(0), e.h(), e.w());
    }

    /**
     * The branch's own classification logits. As in the reference, this is applied to the patch
     * tokens after the interactions (the class token travels separately), so position 0 is the
     * first patch token.
     */
    public Tensor headLogits(Tensor patchTokens) {
        Tensor normed = ((Norm) norm).forward(patchTokens);
        return head.forward(normed.select(1, 0));
    }

    /**
     * The logits of the branch used alone, as {@code vit_models.forward}: the final norm over the
     * class token and patch tokens, then the head on the class token (or on the token mean where
     * the branch has none). Used by the single-branch ViT baseline.
     */
    public Tensor standaloneLogits(Embedded e) {
        Tensor x = e.cls() == null ? e.tokens() : F.cat(1, e.cls(), e.tokens());
        Tensor normed = ((Norm) norm).forward(x);
        Tensor pooled = e.cls() == null
                ? normed.mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                : normed.select(1, 0);
        return head.forward(pooled);
    }
}
