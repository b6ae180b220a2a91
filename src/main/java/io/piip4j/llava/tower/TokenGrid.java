package io.piip4j.llava.tower;

import org.bytedeco.pytorch.Tensor;

/**
 * A branch's state between blocks: tokens (B, H·W, C) on an h×w grid, and the class token
 * (B, 1, C) that CLIP branches carry alongside but keep out of the interactions (null for ConvNeXt).
 */
public record TokenGrid(Tensor tokens, Tensor cls, long h, long w) {
    /** The tokens as a (B, C, H, W) map. */
    public Tensor map() {
        return tokens.transpose(1, 2).reshape(tokens.size(0), tokens.size(2), h, w);
    }
}
