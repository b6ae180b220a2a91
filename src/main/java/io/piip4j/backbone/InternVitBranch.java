package io.piip4j.backbone;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.nn.Module.ModuleList;
import io.piip4j.nn.Norm;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.PatchEmbed;
import io.piip4j.tensor.F;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * An InternViT-style branch ({@code InternViT6B}; AugReg weights in classification): the position
 * embedding table holds a class-token slot, and its grid part is resized bicubically to the token
 * grid at every forward, as the reference does.
 */
public final class InternVitBranch extends Branch {
    private final Parameter posEmbed;
    private final Parameter clsToken;
    private final PatchEmbed patchEmbed;
    private final ModuleList<InternVitBlock> blocks;

    InternVitBranch(BranchConfig cfg, boolean withHead) {
        super(cfg);
        long dim = cfg.embedDim();
        int grid = cfg.gridSize();
        this.posEmbed = parameter("pos_embed", 1, (long) grid * grid + 1, dim);
        this.clsToken = cfg.useClsToken() ? parameter("cls_token", 1, 1, dim) : null;
        this.patchEmbed = child("patch_embed", new PatchEmbed(cfg.patchSize(), 3, dim));
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < cfg.depth(); i++) {
            int window = cfg.windowAttn()[i] ? cfg.windowSize()[i] : -1;
            if (window > 0 && cfg.useClsToken()) {
                throw new ConfigException(cfg.name() + ".window_attn: windowed attention cannot be used with a class token");
            }
            blocks.add(new InternVitBlock(dim, cfg.numHeads(), cfg.mlpHidden(), cfg.qkvBias(), cfg.normLayerType(),
                    cfg.qkNormalization(), cfg.initValues(), window));
        }
        if (withHead) {
            addNormAndHead(Norm.create(cfg.normLayerType(), dim, 1e-6));
        }
    }

    @Override
    public Embedded embed(Tensor image) {
        Tensor grid = patchEmbed.forwardGrid(image);
        long h = grid.size(2);
        long w = grid.size(3);
        Tensor tokens = grid.flatten(2, -1).transpose(1, 2);
        tokens = tokens.add(gridPosEmbed(h, w).to(tokens.scalar_type()));
        Tensor cls = clsToken == null ? null : clsToken.get().expand(image.size(0), -1, -1);
        return new Embedded(tokens, cls, h, w);
    }

    /** pos_embed[:, 1:] on its img_size/patch grid, bicubically resized (in float32) to h×w. */
    private Tensor gridPosEmbed(long h, long w) {
        Tensor table = posEmbed.get();
        long g = config.gridSize();
        long dim = config.embedDim();
        Tensor gridPart = F.slice(table, 1, 1, table.size(1)).reshape(1, g, g, dim).permute(0, 3, 1, 2);
        return F.interpolateBicubic(gridPart.to(ScalarType.Float), h, w).reshape(1, -1, h * w).permute(0, 2, 1);
    }

    @Override
    public List<InternVitBlock> blocks() {
        return blocks.items();
    }
}
