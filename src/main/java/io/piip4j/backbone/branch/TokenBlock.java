package io.piip4j.backbone.branch;

import org.bytedeco.pytorch.Tensor;

/** A transformer block over a token sequence laid out on an H×W grid (plus an optional class token). */
public interface TokenBlock {
    Tensor forward(Tensor x, long h, long w);

    /** Stochastic-depth rate of the block's residual branches (training only); blocks without one ignore it. */
    default void setDropPath(double rate) {
    }
}
