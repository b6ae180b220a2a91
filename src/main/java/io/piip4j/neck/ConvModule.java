package io.piip4j.neck;

import io.piip4j.nn.BatchNorm2d;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * mmcv's {@code ConvModule}: a convolution under the child name {@code conv} (so its keys read
 * {@code ….conv.weight}), optionally a BatchNorm under {@code bn} (then the convolution has no
 * bias, as mmcv's {@code bias='auto'}), optionally followed by ReLU.
 */
public final class ConvModule extends Module {
    private final Conv2d conv;
    private final BatchNorm2d bn;
    private final boolean relu;

    /** Without normalisation: the convolution has a bias. */
    public ConvModule(long in, long out, long kernel, long stride, long padding, boolean relu) {
        this(in, out, kernel, stride, padding, false, relu);
    }

    private ConvModule(long in, long out, long kernel, long stride, long padding, boolean batchNorm, boolean relu) {
        this.conv = child("conv", new Conv2d(in, out, kernel, stride, padding, 1, !batchNorm));
        this.bn = batchNorm ? child("bn", new BatchNorm2d(out)) : null;
        this.relu = relu;
    }

    /** conv (no bias, stride 1, {@code kernel / 2} padding) → BatchNorm → ReLU: mmseg's heads' {@code norm_cfg=BN} modules. */
    public static ConvModule withBatchNorm(long in, long out, long kernel) {
        return new ConvModule(in, out, kernel, 1, kernel / 2, true, true);
    }

    public Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        if (bn != null) {
            y = bn.forward(y);
        }
        return relu ? F.relu(y) : y;
    }
}
