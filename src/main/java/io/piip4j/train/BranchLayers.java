package io.piip4j.train;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.branch.TokenBlock;

/**
 * What training sets per ViT branch, shared by the PIIP classifier and its single-branch baseline:
 * each block's drop-path rate (the classification reference uses one constant rate per branch)
 * and the layer of a branch parameter for layer-wise learning-rate decay, as the reference's
 * {@code get_num_layer_for_vit}.
 */
final class BranchLayers {
    private BranchLayers() {
    }

    static void applyDropPath(Branch branch) {
        for (TokenBlock blk : branch.blocks()) {
            blk.setDropPath(branch.config().dropPathRate());
        }
    }

    /**
     * @param name   a parameter name inside the branch ({@code blocks.3.attn.qkv.weight})
     * @param stride layers per block of this branch ({@code skip_stride}: shallower branches are
     *               scaled to the deepest branch's depth)
     * @return 0 for embeddings, {@code (i + 1) * stride} for block i, {@code numLayers + 1} otherwise
     */
    static int layerId(String name, int stride, int numLayers) {
        String first = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (first.equals("cls_token") || first.equals("pos_embed") || first.equals("patch_embed")) {
            return 0;
        }
        if (first.equals("blocks")) {
            return (Integer.parseInt(name.split("\\.")[1]) + 1) * stride;
        }
        return numLayers + 1;
    }
}
