package io.piip4j.llava.tower;

import org.bytedeco.pytorch.Tensor;

/** One "block" of a timm ConvNeXt as the release counts them: a downsampling layer or a ConvNeXt block. */
public interface ConvNextLayer {
    /** (B, C, H, W) to (B, C', H', W'). */
    Tensor forward(Tensor x);

    long outChannels();
}
