package io.piip4j.config;

import java.util.List;

/**
 * One branch of a PIIP model: a ViT of a given width and depth that sees the image at its own
 * resolution. Field names follow the reference's constructor arguments.
 *
 * @param imgSize           input resolution of this branch (classification {@code img_size},
 *                          dense {@code real_size})
 * @param interactionIndexes for each interaction, the [first, last] block run before it
 * @param windowAttn        per block: windowed attention instead of global
 * @param windowSize        per block window size (tokens), used where windowAttn is set
 * @param initScale         DeiT layer-scale initial value ({@code gamma_1/gamma_2})
 * @param initValues        InternViT layer-scale initial value; null → no layer scale
 * @param normLayerType     InternViT norm: "ln"/"LayerNorm" or "RMSNorm"
 */
public record BranchConfig(
        String name,
        BranchKind kind,
        int imgSize,
        int patchSize,
        int pretrainImgSize,
        int pretrainPatchSize,
        int depth,
        int embedDim,
        int numHeads,
        double mlpRatio,
        boolean qkvBias,
        double dropPathRate,
        List<int[]> interactionIndexes,
        boolean useClsToken,
        boolean[] windowAttn,
        int[] windowSize,
        double initScale,
        Double initValues,
        boolean qkNormalization,
        String normLayerType,
        int numClasses,
        String pretrained) {

    public int gridSize() {
        return imgSize / patchSize;
    }

    public int mlpHidden() {
        return (int) (embedDim * mlpRatio);
    }
}
