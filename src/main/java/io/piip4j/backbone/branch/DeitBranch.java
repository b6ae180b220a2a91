package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.WindowedAttention;
import org.bytedeco.pytorch.Tensor;

/**
 * A DeiT / DeiT III branch ({@code vit_models}). Classification: the position embedding is at the
 * branch's own grid. Dense: it is at the {@code pretrain_img_size / patch_size} grid and resized
 * bicubically to the token grid at every forward, and the class token (if any) is not used.
 */
public final class DeitBranch extends VitBranch<LayerScaleBlock> {
    private final boolean dense;
    private final Parameter clsToken;
    private final Parameter posEmbed;

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
        WindowedAttention.Padding padding = cfg.useFlashAttn() ? WindowedAttention.Padding.BEFORE_QKV
                : WindowedAttention.Padding.AFTER_QKV;
        addPatchEmbedAndBlocks(blockClassToken() != null, window -> new LayerScaleBlock(dim, cfg.numHeads(),
                cfg.mlpHidden(), cfg.qkvBias(), window, padding, cfg.fusedMlp()));
        if (withHead) {
            addNormAndHead(new LayerNorm(dim, 1e-6));
        }
        if (cfg.withFpn()) {
            addUpLayers(false, false);
        }
    }

    @Override
    protected Tensor positionGrid() {
        return posEmbed.get();
    }

    /** The dense backbones never feed the class token through their blocks. */
    @Override
    protected Parameter blockClassToken() {
        return dense ? null : clsToken;
    }
}
