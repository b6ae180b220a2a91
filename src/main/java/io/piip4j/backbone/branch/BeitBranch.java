package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.PatchEmbed;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A BEiT branch ({@code BEiT} of the reference; BEiT v2 weights): patch embedding, an optional
 * absolute position embedding on the pretraining grid (resized bicubically to the token grid),
 * and blocks whose attention carries its own relative position table sized by the block's window
 * ({@link BeitAttention}). The shared table ({@code use_shared_rel_pos_bias}) exists for loading
 * but, as in the PIIP backbones, is not applied.
 */
final class BeitBranch extends Branch {
    private final PatchEmbed patchEmbed;
    private final Parameter posEmbed;
    private final ModuleList<BeitBlock> blocks;

    BeitBranch(BranchConfig cfg) {
        super(cfg);
        long dim = cfg.embedDim();
        this.patchEmbed = child("patch_embed", new PatchEmbed(cfg.patchSize(), 3, dim));
        long grid = cfg.pretrainGridSize();
        this.posEmbed = cfg.useAbsPosEmb() ? parameter("pos_embed", 1, grid * grid, dim) : null;
        if (cfg.useSharedRelPosBias()) {
            child("rel_pos_bias", new SharedRelativePositionBias(cfg.windowSize()[0], cfg.numHeads()));
        }
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < cfg.depth(); i++) {
            blocks.add(new BeitBlock(dim, cfg.numHeads(), cfg.mlpHidden(), cfg.qkvBias(), cfg.initValues() != null,
                    cfg.windowSize()[i], cfg.windowAttn()[i]));
        }
        if (cfg.withFpn()) {
            addUpLayers(false, false);
        }
    }

    @Override
    public Embedded embed(Tensor image) {
        Tensor grid = patchEmbed.forwardGrid(image);
        long h = grid.size(2);
        long w = grid.size(3);
        Tensor tokens = grid.flatten(2, -1).transpose(1, 2);
        if (posEmbed != null) {
            // float32 as under autocast (the reference casts it to the float32 weights' type)
            tokens = tokens.add(resizedPosEmbed(posEmbed.get(), config.pretrainGridSize(), h, w));
        }
        return new Embedded(tokens, null, h, w);
    }

    @Override
    public List<BeitBlock> blocks() {
        return blocks.items();
    }

    /** {@code rel_pos_bias}: one table for every block (BEiT pretraining layout), with its index buffer. */
    static final class SharedRelativePositionBias extends Module {
        SharedRelativePositionBias(int window, int heads) {
            parameter("relative_position_bias_table", BeitAttention.tableRows(window), heads);
            constant("relative_position_index", BeitAttention.relativePositionIndex(window));
        }
    }
}
