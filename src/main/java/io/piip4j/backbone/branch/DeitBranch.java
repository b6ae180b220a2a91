package io.piip4j.backbone.branch;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Module.ModuleList;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.PatchEmbed;
import io.piip4j.nn.WindowedAttention;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A DeiT / DeiT III branch ({@code vit_models}). Classification: the position embedding is at the
 * branch's own grid. Dense: it is at the {@code pretrain_img_size / patch_size} grid and resized
 * bicubically to the token grid at every forward, and the class token (if any) is not used.
 */
public final class DeitBranch extends Branch {
    private final boolean dense;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final PatchEmbed patchEmbed;
    private final ModuleList<LayerScaleBlock> blocks;

    DeitBranch(BranchConfig cfg, boolean withHead) {
        this(cfg, withHead, false);
    }

    DeitBranch(BranchConfig cfg, boolean withHead, boolean dense) {
        super(cfg);
        this.dense = dense;
        long dim = cfg.embedDim();
        int grid = cfg.posEmbedGrid();
        this.clsToken = cfg.useClsToken() ? parameter("cls_token", 1, 1, dim) : null;
        this.posEmbed = parameter("pos_embed", 1, (long) grid * grid, dim);
        this.patchEmbed = child("patch_embed", new PatchEmbed(cfg.patchSize(), 3, dim));
        this.blocks = child("blocks", new ModuleList<>());
        WindowedAttention.Padding padding = cfg.useFlashAttn() ? WindowedAttention.Padding.BEFORE_QKV
                : WindowedAttention.Padding.AFTER_QKV;
        for (int i = 0; i < cfg.depth(); i++) {
            int window = cfg.windowAttn()[i] ? cfg.windowSize()[i] : -1;
            if (window > 0 && cfg.useClsToken() && !dense) {
                throw new ConfigException(cfg.name() + ".window_attn: windowed attention cannot be used with a class token");
            }
            blocks.add(new LayerScaleBlock(dim, cfg.numHeads(), cfg.mlpHidden(), cfg.qkvBias(), window, padding,
                    cfg.fusedMlp()));
        }
        if (withHead) {
            addNormAndHead(new LayerNorm(dim, 1e-6));
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
        Tensor pos;
        if (config.resizePosEmbed()) {
            pos = resizedPosEmbed(posEmbed.get(), config.posEmbedGrid(), h, w);
        } else {
            checkGrid(h, w);
            pos = posEmbed.get();
        }
        // the dense backbones never feed the class token through their blocks
        Tensor cls = clsToken == null || dense ? null : clsToken.get().expand(image.size(0), -1, -1);
        return new Embedded(tokens.add(pos), cls, h, w);
    }

    @Override
    public List<LayerScaleBlock> blocks() {
        return blocks.items();
    }
}
