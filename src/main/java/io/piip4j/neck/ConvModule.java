package io.piip4j.neck;

import io.piip4j.nn.BatchNorm2d;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * mmcv's {@code ConvModule}: a convolution under the child name {@code conv} (so its keys read
 * {@code ….conv.weight}), optionally a normalisation — GroupNorm under {@code gn} or BatchNorm under
 * {@code bn} (the convolution then has no bias, mmcv's {@code bias='auto'}) — optionally followed by ReLU.
 */
public final class ConvModule extends Module {
    private final Conv2d conv;
    private final Module norm;
    private final boolean relu;

    private enum Norm {
        NONE,
        GROUP,
        BATCH
    }

    /** Without normalisation: the convolution has a bias. */
    public ConvModule(long in, long out, long kernel, long stride, long padding, boolean relu) {
        this(in, out, kernel, stride, padding, Norm.NONE, 0, relu);
    }

    private ConvModule(long in, long out, long kernel, long stride, long padding, Norm norm, long gnGroups, boolean relu) {
        this.conv = child("conv", new Conv2d(in, out, kernel, stride, padding, 1, norm == Norm.NONE));
        this.norm = switch (norm) {
            case NONE -> null;
            case GROUP -> child("gn", new GroupNorm(gnGroups, out));
            case BATCH -> child("bn", new BatchNorm2d(out));
        };
        this.relu = relu;
    }

    /** Convolution without bias, then {@code GroupNorm(groups, out)} (norm_cfg GN), no activation. */
    public static ConvModule withGroupNorm(long in, long out, long kernel, long stride, long padding, long groups) {
        if (groups < 1 || out % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + out + " channels do not split into " + groups + " groups");
        }
        return new ConvModule(in, out, kernel, stride, padding, Norm.GROUP, groups, false);
    }

    /** conv (no bias, stride 1, {@code kernel / 2} padding) → BatchNorm → ReLU: mmseg's heads' {@code norm_cfg=BN} modules. */
    public static ConvModule withBatchNorm(long in, long out, long kernel) {
        return new ConvModule(in, out, kernel, 1, kernel / 2, Norm.BATCH, 0, true);
    }

    public Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        if (norm instanceof GroupNorm gn) {
            y = gn.forward(y);
        } else if (norm instanceof BatchNorm2d bn) {
            y = bn.forward(y);
        }
        return relu ? F.relu(y) : y;
    }
}
