package io.piip4j.config;

/** The block architecture of one branch. */
public enum BranchKind {
    /** DeiT / DeiT III style ViT with layer-scale blocks ({@code model_type: deit}). */
    DEIT,
    /** InternViT-style blocks (also used for AugReg, MAE, DINOv2 weights; {@code model_type: augreg}). */
    INTERNVIT,
    BEIT,
    UNIPERCEIVER,
    CONVNEXT;

    /** The reference's choice of block type from a dense branch's {@code pretrained} name. */
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
}
