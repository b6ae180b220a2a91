package io.piip4j.neck;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * mmcv's {@code ConvModule}: a convolution under the child name {@code conv} (so its keys read
 * {@code ….conv.weight}), optionally a GroupNorm under {@code gn} (the convolution then has no bias,
 * mmcv's {@code bias='auto'}), optionally followed by ReLU.
 */
public final class ConvModule extends Module {
    private final Conv2d conv;
    private final GroupNorm gn;
    private final boolean relu;

    public ConvModule(long in, long out, long kernel, long stride, long padding, boolean relu) {
        this(in, out, kernel, stride, padding, 0, relu);
    }

    private ConvModule(long in, long out, long kernel, long stride, long padding, long gnGroups, boolean relu) {
        this.conv = child("conv", new Conv2d(in, out, kernel, stride, padding, 1, gnGroups == 0));
        this.gn = gnGroups == 0 ? null : child("gn", new GroupNorm(gnGroups, out));
        this.relu = relu;
    }

    /** Convolution without bias, then {@code GroupNorm(groups, out)} (norm_cfg GN), no activation. */
    public static ConvModule withGroupNorm(long in, long out, long kernel, long stride, long padding, long groups) {
        if (groups < 1 || out % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + out + " channels do not split into " + groups + " groups");
        }
        return new ConvModule(in, out, kernel, stride, padding, groups, false);
    }

    public Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        if (gn != null) {
            y = gn.forward(y);
        }
        return relu ? F.relu(y) : y;
    }
}
