package io.piip4j.llava.tower;

import io.piip4j.llava.config.JsonKeys;

/**
 * One branch of the release's tower config ({@code model.backbone.branchN}): its kind, image size,
 * the block runs between interactions, and its architecture (one of {@code clip} / {@code convnext}).
 */
public record TowerBranchConfig(String name, String modelType, long imgSize, int[][] interactionIndexes, boolean useClsToken,
        long[] downsampleRatios, String pretrained, ClipVisionConfig clip, ConvNextConfig convnext) {

    public static final String CLIP_HF = "clip_hf";
    public static final String CONVNEXT_TIMM = "convnext_timm";

    static TowerBranchConfig read(JsonKeys b, String name, BranchShapes shapes) {
        String type = b.string("model_type", CLIP_HF);
        long img = b.positive("img_size", null);
        int[][] idx = b.pairs("interaction_indexes");
        String pretrained = b.string("pretrained", "");
        switch (type) {
            case CLIP_HF -> {
                ClipVisionConfig clip = shapes.clip(name, pretrained);
                long patch = b.positive("patch_size", null);
                long pretrainPatch = b.positive("pretrain_patch_size", patch);
                if (pretrainPatch != clip.patchSize()) {
                    throw b.error("pretrain_patch_size", pretrainPatch + " differs from the CLIP model's patch size " + clip.patchSize());
                }
                if (patch != pretrainPatch) {
                    throw b.error("patch_size", patch + " differs from pretrain_patch_size " + pretrainPatch
                            + " (resizing the patch embedding is not supported; the released configs keep them equal)");
                }
                if (img % patch != 0) {
                    throw b.error("img_size", img + " is not a multiple of patch_size " + patch);
                }
                checkIndexes(b, idx, clip.numHiddenLayers());
                return new TowerBranchConfig(name, type, img, idx, b.bool("use_cls_token", false), null, pretrained, clip, null);
            }
            case CONVNEXT_TIMM -> {
                ConvNextConfig cn = shapes.convnext(name, pretrained);
                long[] ratios = b.longs("downsample_ratios");
                int blocks = 0;
                for (int s = 0; s < cn.depths().length; s++) {
                    blocks += cn.depths()[s] + (s == 0 ? 0 : 1);
                }
                if (ratios.length != blocks) {
                    throw b.error("downsample_ratios", "lists " + ratios.length + " strides for a ConvNeXt of " + blocks
                            + " blocks (downsampling layers included)");
                }
                checkIndexes(b, idx, blocks);
                return new TowerBranchConfig(name, type, img, idx, false, ratios, pretrained, null, cn);
            }
            default -> throw b.error("model_type", "unknown branch type '" + type + "' (expected clip_hf or convnext_timm)");
        }
    }

    private static void checkIndexes(JsonKeys b, int[][] idx, int blocks) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i][1] >= blocks) {
                throw b.error("interaction_indexes[" + i + "]", "block " + idx[i][1] + " does not exist (the branch has " + blocks + ")");
            }
        }
    }

    TowerBranch build() {
        return clip != null ? new ClipBranch(clip, imgSize, useClsToken) : new TimmConvNextBranch(convnext, imgSize, downsampleRatios);
    }
}
