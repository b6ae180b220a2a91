package io.piip4j.nn;

import org.bytedeco.pytorch.Tensor;

/** Non-overlapping patch projection ({@code patch_embed.proj}): image → (B, H·W, C) tokens. */
public final class PatchEmbed extends Module {
    public final int patchSize;
    private final Conv2d proj;

    public PatchEmbed(int patchSize, long inChannels, long embedDim) {
        this.patchSize = patchSize;
        this.proj = child("proj", new Conv2d(inChannels, embedDim, patchSize, patchSize, 0, 1, true));
    }

    /** Returns the token grid as (B, C, H, W); callers flatten to tokens. */
    public Tensor forwardGrid(Tensor x) {
        return proj.forward(x);
    }

    /** (B, 3, h, w) → (B, H·W, C). */
    public Tensor forward(Tensor x) {
        return proj.forward(x).flatten(2, -1).transpose(1, 2);
    }
}
