package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Mlp;
import io.piip4j.nn.Module;
import io.piip4j.nn.PatchEmbed;

/**
 * A BEiT branch ({@code BEiT} of the reference; BEiT v2 weights), described by its parameters:
 * patch embedding, an optional absolute position embedding and shared relative position table,
 * and blocks whose attention has a bias-free qkv projection with separate q/v biases and its own
 * relative position table sized by the block's window ({@code (2w−1)², heads}).
 */
final class BeitBranch extends DescribedBranch {

    BeitBranch(BranchConfig cfg) {
        super(cfg);
        long dim = cfg.embedDim();
        child("patch_embed", new PatchEmbed(cfg.patchSize(), 3, dim));
        long grid = cfg.pretrainGridSize();
        if (cfg.useAbsPosEmb()) {
            parameter("pos_embed", 1, grid * grid, dim);
        }
        if (cfg.useSharedRelPosBias()) {
            child("rel_pos_bias", new RelativePositionTable(cfg.windowSize()[0], cfg.numHeads()));
        }
        ModuleList<Block> blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < cfg.depth(); i++) {
            blocks.add(new Block(cfg, cfg.windowSize()[i]));
        }
        if (cfg.withFpn()) {
            addUpLayers(false, false);
        }
    }

    /** {@code relative_position_bias_table}: one bias per head for each of the (2w−1)² relative offsets. */
    static final class RelativePositionTable extends Module {
        RelativePositionTable(int window, int heads) {
            long n = (2L * window - 1) * (2L * window - 1);
            parameter("relative_position_bias_table", n, heads);
        }
    }

    static final class Block extends Module {
        Block(BranchConfig cfg, int window) {
            long dim = cfg.embedDim();
            child("norm1", new LayerNorm(dim, 1e-6));
            child("attn", new Attention(dim, cfg.numHeads(), cfg.qkvBias(), window));
            child("norm2", new LayerNorm(dim, 1e-6));
            child("mlp", new Mlp(dim, cfg.mlpHidden()));
            if (cfg.initValues() != null) {
                parameter("gamma_1", dim);
                parameter("gamma_2", dim);
            }
        }
    }

    static final class Attention extends Module {
        Attention(long dim, int heads, boolean qkvBias, int window) {
            child("qkv", new Linear(dim, 3 * dim, false));
            if (qkvBias) {
                parameter("q_bias", dim);
                parameter("v_bias", dim);
            }
            long n = (2L * window - 1) * (2L * window - 1);
            parameter("relative_position_bias_table", n, heads);
            child("proj", new Linear(dim, dim));
        }
    }
}
