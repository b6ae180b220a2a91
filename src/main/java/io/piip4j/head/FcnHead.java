package io.piip4j.head;

import io.piip4j.neck.ConvModule;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * mmsegmentation 0.27's {@code FCNHead}, UperNet's auxiliary head: {@code num_convs} conv → BatchNorm
 * → ReLU modules ({@code convs.i}) on one backbone map ({@code in_index}), optionally the input
 * concatenated back and fused ({@code conv_cat}), then (after a Dropout2d of {@code dropout_ratio} in
 * training) the 1×1 classifier {@code conv_seg}. It only
 * shapes the training loss; at test time the segmentor does not run it, but it is built so whole
 * checkpoints load strictly (and it can be run to inspect it).
 */
public final class FcnHead extends Module {
    private final int inIndex;
    private final ModuleList<ConvModule> convs;
    private final ConvModule convCat;
    private final Conv2d convSeg;
    private final double dropoutRatio;

    public FcnHead(int inChannels, int inIndex, int channels, int numConvs, int kernelSize, boolean concatInput, int numClasses,
            double dropoutRatio) {
        if (numConvs < 0 || kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("FCNHead: num_convs must be >= 0 and kernel_size odd, got " + numConvs + " and " + kernelSize);
        }
        if (numConvs == 0 && concatInput) {
            throw new IllegalArgumentException("FCNHead: concat_input needs num_convs > 0");
        }
        this.inIndex = inIndex;
        this.dropoutRatio = dropoutRatio;
        this.convs = child("convs", new ModuleList<>());
        for (int i = 0; i < numConvs; i++) {
            convs.add(ConvModule.withBatchNorm(i == 0 ? inChannels : channels, channels, kernelSize));
        }
        this.convCat = concatInput ? child("conv_cat", ConvModule.withBatchNorm((long) inChannels + channels, channels, kernelSize)) : null;
        this.convSeg = child("conv_seg", new Conv2d(numConvs == 0 ? inChannels : channels, numClasses, 1, 1, 0, 1, true));
    }

    /** The backbone's maps → logits (B, classes, h, w) at the size of map {@code in_index}. */
    public Tensor forward(List<Tensor> features) {
        Tensor x = features.get(inIndex);
        Tensor y = x;
        for (ConvModule c : convs.items()) {
            y = c.forward(y);
        }
        if (convCat != null) {
            y = convCat.forward(F.cat(1, x, y));
        }
        return convSeg.forward(F.dropout2d(y, dropoutRatio, isTraining()));
    }
}
