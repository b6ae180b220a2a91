package io.piip4j.config;

import java.util.List;

/**
 * A whole PIIP backbone/classifier: its branches (largest model, lowest resolution first) and the
 * interaction and merging options. Field names follow the reference's constructor arguments.
 * A single-branch baseline backbone ({@code vit_models}, {@code InternViT6B},
 * {@code ConvNextHFWrapper}) is described with its one branch and no interactions.
 *
 * @param type              the reference's class: PIIPTwoBranch / PIIPThreeBranch / PIIPFourBranch,
 *                          or a baseline's
 * @param task              classification ({@code classification/} of the reference) or dense
 *                          (the mmdetection/mmsegmentation backbone)
 * @param interactAttnType  "deform" (deformable cross-attention) or "normal" (cross-attention)
 * @param separateHead      classification: average the branches' own heads instead of merging
 * @param injectorNorm      the interactions' LayerNorms; {@code norm_layer: "none"} removes them
 * @param dense             the dense backbones' output options; null for classification
 */
public record PiipConfig(
        String type,
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
        boolean useClsHead,
        boolean injectorNorm,
        DenseOptions dense) {

    public enum Task {
        CLASSIFICATION,
        DENSE
    }

    /** The reference's classes of single-branch baseline backbones. */
    public static final List<String> BASELINE_TYPES = List.of("vit_models", "InternViT6B", "ConvNextHFWrapper");

    /**
     * @param withSimpleFpn         merge once at the end and derive the four scales from the merged map
     *                              (PIIPThreeBranch's {@code with_simple_fpn}; the only path of the 2/4-branch models)
     * @param outInteractionIndexes {@code with_simple_fpn: false}: the interactions after which an
     *                              intermediate merged map is taken (three of them; the final merge is the fourth)
     * @param isDino                three outputs (1/8, 1/16, 1/32) for DINO instead of four
     * @param baselineSimpleFpn     ConvNextHFWrapper baseline: its own simple FPN layers
     * @param segmentation          mmsegmentation's variant of the backbone (position embeddings at each
     *                              branch's {@code img_size} grid, not resized), not mmdetection's
     * @param outIndices            ViT baselines: the blocks whose outputs are taken ({@code out_indices})
     * @param useSimpleFpn          ViT baselines ({@code use_simple_fpn}): only the last of them is used
     */
    public record DenseOptions(boolean withSimpleFpn, List<Integer> outInteractionIndexes, boolean isDino,
            boolean baselineSimpleFpn, boolean segmentation, List<Integer> outIndices, boolean useSimpleFpn) {

        /** The options of a PIIP backbone (the baseline-only ones unset). */
        public DenseOptions(boolean withSimpleFpn, List<Integer> outInteractionIndexes, boolean isDino,
                boolean baselineSimpleFpn, boolean segmentation) {
            this(withSimpleFpn, outInteractionIndexes, isDino, baselineSimpleFpn, segmentation, List.of(), true);
        }
    }

    public boolean isBaseline() {
        return BASELINE_TYPES.contains(type);
    }

    public int numBranches() {
        return branches.size();
    }

    public int numInteractions() {
        return isBaseline() ? 0 : branches.get(0).interactionIndexes().size();
    }

    /** The reference's class name. */
    public String typeName() {
        return type;
    }

    /** The width of branch i's features at interaction k (ConvNeXt widths change from stage to stage). */
    public int interactionDim(int branch, int k) {
        BranchConfig b = branches.get(branch);
        return b.blockDims()[b.interactionLayer(k)];
    }
}
