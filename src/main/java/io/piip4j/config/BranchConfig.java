package io.piip4j.config;

import java.util.Arrays;
import java.util.List;

/**
 * One branch of a PIIP model: a ViT (or ConvNeXt) of a given width and depth that sees the image
 * at its own resolution. Field names follow the reference's constructor arguments.
 *
 * @param imgSize            input resolution of this branch (classification {@code img_size},
 *                           dense {@code real_size})
 * @param pretrainImgSize    dense branches: the position-embedding table covers the
 *                           {@code pretrain_img_size / patch_size} grid and is resized from it
 * @param depth              number of blocks (ConvNeXt: its layers plus the downsampling layers)
 * @param embedDim           width of the last block (ConvNeXt: the last stage's width)
 * @param interactionIndexes for each interaction, the [first, last] block run before it
 * @param windowAttn         per block: windowed attention instead of global
 * @param windowSize         per block window size (tokens), used where windowAttn is set (BEiT:
 *                           also sizes every block's relative position table)
 * @param initScale          DeiT layer-scale initial value ({@code gamma_1/gamma_2})
 * @param initValues         InternViT / BEiT layer-scale initial value; null → no layer scale
 * @param normLayerType      InternViT norm: "ln"/"LayerNorm" or "RMSNorm"
 * @param useFlashAttn       DeiT-style windowed blocks: the flash-attention implementation pads the
 *                           tokens before the qkv projection, the plain one pads q/k/v after it
 * @param fusedMlp           {@code Mlp_block}/{@code mlp_type} "fused_mlp": same weights, tanh GELU
 * @param withFpn            the branch's own {@code up1…up4} layers (single-branch baselines)
 * @param withFinalNorm      InternViT {@code with_fpn}: a LayerNorm after each up layer
 * @param useAbsPosEmb       BEiT: an absolute position embedding
 * @param useSharedRelPosBias BEiT: one relative position table shared by all blocks
 * @param convnext           ConvNeXt branches: the Hugging Face model's shape; null otherwise
 * @param downsampleRatios   ConvNeXt branches: per block, its output's stride relative to the image
 * @param posEmbedGrid       the grid of the position-embedding table (DeiT / InternViT): the branch's
 *                           own in classification, {@code pretrain_img_size // patch_size} in mmdetection,
 *                           {@code img_size // patch_size} in mmsegmentation
 * @param resizePosEmbed     whether the table is resized (bicubic) to the token grid at every forward
 *                           (classification InternViT, mmdetection) or added as it is (classification
 *                           DeiT, mmsegmentation: the token grid must equal the table's)
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
        String pretrained,
        boolean useFlashAttn,
        boolean fusedMlp,
        boolean withFpn,
        boolean withFinalNorm,
        boolean useAbsPosEmb,
        boolean useSharedRelPosBias,
        ConvNextSpec convnext,
        int[] downsampleRatios,
        int posEmbedGrid,
        boolean resizePosEmbed) {

    /** A classification branch (the options of the dense variants left at their defaults). */
    public BranchConfig(String name, BranchKind kind, int imgSize, int patchSize, int pretrainImgSize,
            int pretrainPatchSize, int depth, int embedDim, int numHeads, double mlpRatio, boolean qkvBias,
            double dropPathRate, List<int[]> interactionIndexes, boolean useClsToken, boolean[] windowAttn,
            int[] windowSize, double initScale, Double initValues, boolean qkNormalization, String normLayerType,
            int numClasses, String pretrained) {
        this(name, kind, imgSize, patchSize, pretrainImgSize, pretrainPatchSize, depth, embedDim, numHeads, mlpRatio,
                qkvBias, dropPathRate, interactionIndexes, useClsToken, windowAttn, windowSize, initScale, initValues,
                qkNormalization, normLayerType, numClasses, pretrained, false, false, false, false, false, false, null,
                null, imgSize / patchSize, kind == BranchKind.INTERNVIT);
    }

    public int gridSize() {
        return imgSize / patchSize;
    }

    /** The pretraining grid ({@code pretrain_img_size // patch_size}): BEiT's and Uni-Perceiver's position tables. */
    public int pretrainGridSize() {
        return pretrainImgSize / patchSize;
    }

    public int mlpHidden() {
        return (int) (embedDim * mlpRatio);
    }

    /** Every block's output width ({@code dims} of the reference): constant for ViTs. */
    public int[] blockDims() {
        if (convnext != null) {
            return convnext.blockDims();
        }
        int[] d = new int[depth];
        Arrays.fill(d, embedDim);
        return d;
    }

    /**
     * Every block's output stride relative to the branch's image ({@code downsample_ratios}): the
     * patch size for ViTs, as the reference sets it.
     */
    public int[] blockDownsampleRatios() {
        if (downsampleRatios != null) {
            return downsampleRatios.clone();
        }
        int[] r = new int[depth];
        Arrays.fill(r, patchSize);
        return r;
    }

    /** The last block run before interaction k. */
    public int interactionLayer(int k) {
        return interactionIndexes.get(k)[1];
    }

    /** This branch's architecture with another name, resolution and block grouping. */
    public BranchConfig renamed(String newName, int newImgSize, List<int[]> newIndexes, String newPretrained) {
        return new BranchConfig(newName, kind, newImgSize, patchSize, pretrainImgSize, pretrainPatchSize, depth, embedDim,
                numHeads, mlpRatio, qkvBias, dropPathRate, newIndexes, useClsToken, windowAttn, windowSize, initScale,
                initValues, qkNormalization, normLayerType, numClasses, newPretrained, useFlashAttn, fusedMlp, withFpn,
                withFinalNorm, useAbsPosEmb, useSharedRelPosBias, convnext, downsampleRatios, posEmbedGrid, resizePosEmbed);
    }
}
