package io.piip4j.head;

import io.piip4j.neck.ConvModule;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.ConvTranspose2d;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.25's {@code FCNMaskHead}: {@code num_convs} 3×3 convolutions with ReLU, a 2×2
 * stride-2 deconvolution with ReLU, and a 1×1 convolution to one mask logit map per class.
 */
public final class FcnMaskHead extends Module {
    private final ModuleList<ConvModule> convs;
    private final ConvTranspose2d upsample;
    private final Conv2d convLogits;
    private final int numClasses;

    public FcnMaskHead(int numConvs, int inChannels, int convOutChannels, int convKernel, int numClasses) {
        this.numClasses = numClasses;
        this.convs = child("convs", new ModuleList<>());
        int in = inChannels;
        for (int i = 0; i < numConvs; i++) {
            convs.add(new ConvModule(in, convOutChannels, convKernel, 1, (convKernel - 1) / 2, true));
            in = convOutChannels;
        }
        this.upsample = child("upsample", new ConvTranspose2d(in, convOutChannels, 2, 2));
        this.convLogits = child("conv_logits", new Conv2d(convOutChannels, numClasses, 1, 1, 0, 1, true));
    }

    public int numClasses() {
        return numClasses;
    }

    /** Mask logits (n, classes, 2s, 2s) of pooled RoI features (n, C, s, s). */
    public Tensor forward(Tensor roiFeats) {
        Tensor x = roiFeats;
        for (ConvModule c : convs.items()) {
            x = c.forward(x);
        }
        x = F.relu(upsample.forward(x));
        return convLogits.forward(x);
    }
}
