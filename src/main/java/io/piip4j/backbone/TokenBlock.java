package io.piip4j.backbone;

import org.bytedeco.pytorch.Tensor;

/** A transformer block over a token sequence laid out on an H×W grid (plus an optional class token). */
public interface TokenBlock {
    Tensor forward(Tensor x, long h, long w);
}
