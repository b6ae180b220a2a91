package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.nn.Norm;
import io.piip4j.nn.Parameter;
import org.bytedeco.pytorch.Tensor;

/**
 * An InternViT-style branch ({@code InternViT6B}; AugReg, MAE and DINOv2 weights too): the
 * position embedding table holds a class-token slot, and its grid part is resized bicubically to
 * the token grid at every forward, as the reference does. The table's grid is the branch's own
 * ({@code img_size / patch_size}) in classification, the pretraining one
 * ({@code pretrain_img_size / patch_size}) in the dense backbones, which have no class token.
 */
public final class InternVitBranch extends VitBranch<InternVitBlock> {
    private final Parameter posEmbed;
    private final Parameter clsToken;

    InternVitBranch(BranchConfig cfg, boolean withHead) {
        this(cfg, withHead, false);
    }

    InternVitBranch(BranchConfig cfg, boolean withHead, boolean dense) {
        super(cfg);
        long dim = cfg.embedDim();
        long grid = cfg.posEmbedGrid();
        this.posEmbed = parameter("pos_embed", 1, grid * grid + 1, dim);
        this.clsToken = cfg.useClsToken() && !dense ? parameter("cls_token", 1, 1, dim) : null;
        addPatchEmbedAndBlocks(clsToken != null, window -> new InternVitBlock(dim, cfg.numHeads(), cfg.mlpHidden(),
                cfg.qkvBias(), cfg.normLayerType(), cfg.qkNormalization(), cfg.initValues(), window, cfg.fusedMlp()));
        if (withHead) {
            addNormAndHead(Norm.create(cfg.normLayerType(), dim, 1e-6));
        }
        if (cfg.withFpn()) {
            addUpLayers(true, cfg.withFinalNorm());
        }
    }

    /** {@code pos_embed[:, 1:]}: the table without its class-token slot. */
    @Override
    protected Tensor positionGrid() {
        Tensor table = posEmbed.get();
        return table.narrow(1, 1, table.size(1) - 1);
    }

    @Override
    protected Parameter blockClassToken() {
        return clsToken;
    }

    /** The resized table in the tokens' type (bfloat16 on the reduced path), as this branch has always added it. */
    @Override
    protected Tensor addResizedPosition(Tensor tokens, Tensor resized) {
        return tokens.add(resized.to(tokens.scalar_type()));
    }
}
