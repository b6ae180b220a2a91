package io.piip4j.init;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.BranchKind;
import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;

/**
 * The reference's code paths that put a single-branch checkpoint into a PIIP branch. They differ
 * in which keys they keep, whether the position table keeps its class-token slot, the grid the
 * table is resized to, and strictness:
 * <ul>
 *   <li>{@code DEIT_CLS}: {@code classification/deit.py vit_models(pretrained=...)} — keeps
 *       blocks/cls_token/patch_embed/pos_embed (norm/head only when the branch has its own head,
 *       otherwise prints "skip"), drops the class slot of a non-square table, resizes to
 *       {@code img_size/patch_size}; lenient ({@code strict=False}).</li>
 *   <li>{@code DEIT_DET}: mmdetection {@code vit_models.init_weights} — keeps everything, resizes
 *       to {@code pretrain_img_size/patch_size} (the forward resizes again); lenient.</li>
 *   <li>{@code INTERNVIT_CLS}: classification {@code InternViT6B.init_weights} (AugReg branches)
 *       — class slot kept, grid resized to {@code img_size/patch_size}; strict: every key must
 *       match.</li>
 *   <li>{@code INTERNVIT_DET}: mmdetection {@code InternViT6B.init_weights} (InternViT, AugReg,
 *       MAE, DINOv2 weights) — class slot kept, grid to {@code pretrain_img_size/patch_size};
 *       lenient.</li>
 * </ul>
 * All of them resize the patch-embedding kernel bicubically to the branch's patch size. The dense
 * backbones' other kinds have loaders of their own: {@code BEIT_DET} ({@link BeitLoader}),
 * {@code UNIPERCEIVER_DET} (a lenient load by name), {@code CONVNEXT_HF} ({@link ConvNextLoader}).
 */
public enum LoaderPath {
    DEIT_CLS(false, false, true, false),
    DEIT_DET(false, true, false, false),
    INTERNVIT_CLS(true, false, false, true),
    INTERNVIT_DET(true, true, false, false),
    /** mmdetection {@code BEiT.init_weights} ({@link BeitLoader}). */
    BEIT_DET(false, true, false, false),
    /** mmdetection {@code UnifiedBertEncoder.init_weights}: mmcv's {@code load_checkpoint(strict=False)} as it is. */
    UNIPERCEIVER_DET(false, true, false, false),
    /** {@code ConvNextModel.from_pretrained} ({@link ConvNextLoader}). */
    CONVNEXT_HF(false, false, false, false);

    /** The table has a class-token slot that is kept. */
    final boolean keepsClsSlot;
    /** The grid target is {@code pretrain_img_size / patch_size} rather than {@code img_size / patch_size}. */
    final boolean pretrainGrid;
    /** Keys outside blocks/embeddings (and norm/head without a head) are dropped before loading. */
    final boolean filtersKeys;
    /** {@code load_state_dict(strict=True)}. */
    final boolean strict;

    LoaderPath(boolean keepsClsSlot, boolean pretrainGrid, boolean filtersKeys, boolean strict) {
        this.keepsClsSlot = keepsClsSlot;
        this.pretrainGrid = pretrainGrid;
        this.filtersKeys = filtersKeys;
        this.strict = strict;
    }

    /** The path the reference takes for this branch of a classification or dense model. */
    public static LoaderPath of(BranchConfig b, PiipConfig.Task task) {
        boolean cls = task == PiipConfig.Task.CLASSIFICATION;
        if (b.kind() == BranchKind.DEIT) {
            return cls ? DEIT_CLS : DEIT_DET;
        }
        if (b.kind() == BranchKind.INTERNVIT) {
            return cls ? INTERNVIT_CLS : INTERNVIT_DET;
        }
        if (cls) {
            throw new ConfigException(b.name() + ": " + b.kind().label() + " branches are for the dense backbones");
        }
        return switch (b.kind()) {
            case BEIT -> BEIT_DET;
            case UNIPERCEIVER -> UNIPERCEIVER_DET;
            default -> CONVNEXT_HF;
        };
    }
}
