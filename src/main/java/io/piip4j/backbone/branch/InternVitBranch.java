package io.piip4j.backbone.branch;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.nn.Module.ModuleList;
import io.piip4j.nn.Norm;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.PatchEmbed;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * An InternViT-style branch ({@code InternViT6B}; AugReg, MAE and DINOv2 weights too): the
 * position embedding table holds a class-token slot, and its grid part is resized bicubically to
 * the token grid at every forward, as the reference does. The table's grid is the branch's own
 * ({@code img_size / patch_size}) in classification, the pretraining one
 * ({@code pretrain_img_size / patch_size}) in the dense backbones, which have no class token.
 */
public final class InternVitBranch extends Branch {
    private final int posGrid;
    private final Parameter posEmbed;
    private final Parameter clsToken;
    private final PatchEmbed patchEmbed;
    private final ModuleList<InternVitBlock> blocks;

    InternVitBranch(BranchConfig cfg, boolean withHead) {
        this(cfg, withHead, false);
    }

    InternVitBranch(BranchConfig cfg, boolean withHead, boolean dense) {
        super(cfg);
        long dim = cfg.embedDim();
        this.posGrid = cfg.posEmbedGrid();
        this.posEmbed = parameter("pos_embed", 1, (long) posGrid * posGrid + 1, dim);
        this.clsToken = cfg.useClsToken() && !dense ? parameter("cls_token", 1, 1, dim) : null;
        this.patchEmbed = child("patch_embed", new PatchEmbed(cfg.patchSize(), 3, dim));
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < cfg.depth(); i++) {
            int window = cfg.windowAttn()[i] ? cfg.windowSize()[i] : -1;
            if (window > 0 && clsToken != null) {
                throw new ConfigException(cfg.name() + ".window_attn: windowed attention cannot be used with a class token");
            }
            blocks.add(new InternVitBlock(dim, cfg.numHeads(), cfg.mlpHidden(), cfg.qkvBias(), cfg.normLayerType(),
                    cfg.qkNormalization(), cfg.initValues(), window, cfg.fusedMlp()));
        }
        if (withHead) {
            addNormAndHead(Norm.create(cfg.normLayerType(), dim, 1e-6));
        }
        if (cfg.withFpn()) {
            addUpLayers(true, cfg.withFinalNorm());
        }
    }

    @Override
    public Embedded embed(Tensor image) {
        Tensor grid = patchEmbed.forwardGrid(image);
        long h = grid.size(2);
        long w = grid.size(3);
        Tensor tokens = grid.flatten(2, -1).transpose(1, 2);
        Tensor table = posEmbed.get();
        Tensor gridPart = table.narrow(1, 1, table.size(1) - 1); // pos_embed[:, 1:]
        if (config.resizePosEmbed()) {
            tokens = tokens.add(resizedPosEmbed(gridPart, posGrid, h, w).to(tokens.scalar_type()));
        } else {
            checkGrid(h, w);
            tokens = tokens.add(gridPart);
        }
        Tensor cls = clsToken == null ? null : clsToken.get().expand(image.size(0), -1, -1);
        return new Embedded(tokens, cls, h, w);
    }

    @Override
    public List<InternVitBlock> blocks() {
        return blocks.items();
    }
}
