package io.piip4j.config;

import java.util.Locale;

/** The block architecture of one branch. */
public enum BranchKind {
    /** DeiT / DeiT III style ViT with layer-scale blocks ({@code model_type: deit}). */
    DEIT,
    /** InternViT-style blocks (also used for AugReg, MAE, DINOv2 weights; {@code model_type: augreg}). */
    INTERNVIT,
    /** BEiT (v2) blocks: relative position bias per block, q/v biases, optional layer scale. */
    BEIT,
    /** Uni-Perceiver's BERT-style layers and visual embedding ({@code UnifiedBertEncoder}). */
    UNIPERCEIVER,
    /** A Hugging Face ConvNeXt, run stage unit by stage unit ({@code ConvNextHFWrapper}). */
    CONVNEXT;

    /** The reference's choice of block type from a dense branch's {@code pretrained} name (PIIPThreeBranch). */
    public static BranchKind fromPretrainedName(String pretrained) {
        String p = pretrained == null ? "" : pretrained;
        if (p.contains("deit")) {
            return DEIT;
        } else if (p.contains("beit")) {
            return BEIT;
        } else if (p.contains("perceiver")) {
            return UNIPERCEIVER;
        } else if (p.contains("convnext")) {
            return CONVNEXT;
        }
        return INTERNVIT;
    }

    /**
     * The choice for a dense model with this many branches: PIIPTwoBranch knows only DeiT and
     * InternViT (anything not named deit is InternViT-style), PIIPFourBranch builds every branch as
     * DeiT whatever its name; PIIPThreeBranch knows all kinds.
     */
    public static BranchKind forDenseBranch(String pretrained, int numBranches) {
        return switch (numBranches) {
            case 2 -> pretrained.contains("deit") ? DEIT : INTERNVIT;
            case 4 -> DEIT;
            default -> fromPretrainedName(pretrained);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
