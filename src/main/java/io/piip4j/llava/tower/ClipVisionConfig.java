package io.piip4j.llava.tower;

/**
 * The shape of a Hugging Face CLIP vision model ({@code CLIPVisionConfig}): what the release's
 * {@code pretrained} name stands for. {@code imageSize} / {@code patchSize} are those it was
 * pretrained at; its position embeddings are resized from that grid.
 */
public record ClipVisionConfig(long hiddenSize, long intermediateSize, int numHiddenLayers, int numAttentionHeads,
        long imageSize, long patchSize, double layerNormEps) {
    public ClipVisionConfig {
        if (hiddenSize <= 0 || intermediateSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0 || imageSize <= 0
                || patchSize <= 0) {
            throw new IllegalArgumentException("CLIP vision config: sizes must be positive");
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("CLIP vision config: image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
        }
    }

    /** Positions of the pretrained grid, class token included. */
    public long numPositions() {
        long g = imageSize / patchSize;
        return g * g + 1;
    }
}
