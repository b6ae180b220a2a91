package io.piip4j.config;

import java.util.List;

/**
 * A whole PIIP backbone/classifier: its branches (largest model, lowest resolution first) and the
 * interaction and merging options. Field names follow the reference's constructor arguments.
 *
 * @param task              classification ({@code classification/} of the reference) or dense
 *                          (the mmdetection/mmsegmentation backbone)
 * @param interactAttnType  "deform" (deformable cross-attention) or "normal" (cross-attention)
 * @param separateHead      classification: average the branches' own heads instead of merging
 */
public record PiipConfig(
        Task task,
        List<BranchConfig> branches,
        int nPoints,
        int deformNumHeads,
        boolean withCffn,
        double cffnRatio,
        double deformRatio,
        String interactAttnType,
        double interactionDropPathRate,
        boolean interactionProj,
        boolean separateHead,
        int numClasses,
        boolean useClsHead) {

    public enum Task {
        CLASSIFICATION,
        DENSE
    }

    public int numBranches() {
        return branches.size();
    }

    public int numInteractions() {
        return branches.get(0).interactionIndexes().size();
    }

    /** The reference's class name for this branch count. */
    public String typeName() {
        return switch (branches.size()) {
            case 2 -> "PIIPTwoBranch";
            case 3 -> "PIIPThreeBranch";
            case 4 -> "PIIPFourBranch";
            default -> "PIIP" + branches.size() + "Branch";
        };
    }
}
