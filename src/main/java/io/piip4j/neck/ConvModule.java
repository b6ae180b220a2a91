package io.piip4j.neck;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * mmcv's {@code ConvModule} without normalisation: a convolution under the child name {@code conv}
 * (so its keys read {@code ….conv.weight}), optionally followed by ReLU.
 */
public final class ConvModule extends Module {
    private final Conv2d conv;
    private final boolean relu;

    public ConvModule(long in, long out, long kernel, long stride, long padding, boolean relu) {
        this.conv = child("conv", new Conv2d(in, out, kernel, stride, padding, 1, true));
        this.relu = relu;
    }

    public Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        return relu ? F.relu(y) : y;
    }
}
