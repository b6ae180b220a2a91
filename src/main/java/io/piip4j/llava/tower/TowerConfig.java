package io.piip4j.llava.tower;

import io.piip4j.llava.config.JsonKeys;

/**
 * The release's vision-tower config ({@code model.backbone} of {@code llava/configs/*.py}):
 * interaction settings and two branches. {@code 2branch_v1} has two CLIP branches,
 * {@code 2branch_mix} a CLIP branch and a ConvNeXt branch.
 */
public record TowerConfig(String modelCls, int nPoints, int deformNumHeads, double cffnRatio, double deformRatio, boolean withCffn,
        String interactAttnType, boolean interactionProj, TowerBranchConfig branch1, TowerBranchConfig branch2) {

    public static TowerConfig read(JsonKeys backbone, BranchShapes shapes) {
        String cls = backbone.string("model_cls", "2branch_v1");
        if (!cls.equals("2branch_v1") && !cls.equals("2branch_mix")) {
            throw backbone.error("model_cls", "unknown tower '" + cls + "' (expected 2branch_v1 or 2branch_mix)");
        }
        String attn = backbone.string("interact_attn_type", "normal");
        if (!attn.equals("deform") && !attn.equals("normal")) {
            throw backbone.error("interact_attn_type", "expected deform or normal, got '" + attn + "'");
        }
        String norm = backbone.string("norm_layer", "ln");
        if (!norm.equals("ln")) {
            throw backbone.error("norm_layer", "only 'ln' (the released value) is supported, got '" + norm + "'");
        }
        TowerBranchConfig b1 = TowerBranchConfig.read(backbone.object("branch1"), "branch1", shapes);
        TowerBranchConfig b2 = TowerBranchConfig.read(backbone.object("branch2"), "branch2", shapes);
        if (b1.interactionIndexes().length != b2.interactionIndexes().length) {
            throw backbone.error("branch2.interaction_indexes", "has " + b2.interactionIndexes().length + " runs, branch1 has "
                    + b1.interactionIndexes().length);
        }
        if (cls.equals("2branch_v1") && !b2.modelType().equals(TowerBranchConfig.CLIP_HF)) {
            throw backbone.error("branch2.model_type", "2branch_v1 takes CLIP branches only");
        }
        if (!b1.modelType().equals(TowerBranchConfig.CLIP_HF)) {
            throw backbone.error("branch1.model_type", "branch 1 must be a CLIP branch (clip_hf)");
        }
        return new TowerConfig(cls, backbone.positiveInt("n_points", 4), backbone.positiveInt("deform_num_heads", 6),
                backbone.number("cffn_ratio", 0.25), backbone.number("deform_ratio", 1.0), backbone.bool("with_cffn", false), attn,
                backbone.bool("interaction_proj", true), b1, b2);
    }

    public int numInteractions() {
        return branch1.interactionIndexes().length;
    }
}
