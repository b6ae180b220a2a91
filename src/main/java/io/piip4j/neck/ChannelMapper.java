package io.piip4j.neck;

import io.piip4j.nn.Module;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection's {@code ChannelMapper} as DINO uses it: one {@code kernel_size} convolution + GroupNorm
 * per input map ({@code convs.i}) to {@code out_channels}, and, for outputs beyond the inputs, stride-2
 * 3×3 convolutions + GroupNorm ({@code extra_convs.j}), the first on the last input map, the next ones
 * on the previous output. No activation ({@code act_cfg=None}).
 */
public final class ChannelMapper extends Module {
    private final ModuleList<ConvModule> convs = child("convs", new ModuleList<>());
    private final ModuleList<ConvModule> extraConvs;

    public ChannelMapper(int[] inChannels, int outChannels, int kernelSize, int gnGroups, int numOuts) {
        if (numOuts < inChannels.length) {
            throw new IllegalArgumentException("num_outs " + numOuts + " is below the " + inChannels.length + " inputs");
        }
        for (int in : inChannels) {
            convs.add(ConvModule.withGroupNorm(in, outChannels, kernelSize, 1, (kernelSize - 1) / 2, gnGroups));
        }
        this.extraConvs = numOuts > inChannels.length ? child("extra_convs", new ModuleList<>()) : null;
        for (int i = inChannels.length; i < numOuts; i++) {
            long in = i == inChannels.length ? inChannels[inChannels.length - 1] : outChannels;
            extraConvs.add(ConvModule.withGroupNorm(in, outChannels, 3, 2, 1, gnGroups));
        }
    }

    public List<Tensor> forward(List<Tensor> inputs) {
        if (inputs.size() != convs.size()) {
            throw new IllegalArgumentException("ChannelMapper takes " + convs.size() + " maps, got " + inputs.size());
        }
        List<Tensor> outs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            outs.add(convs.get(i).forward(inputs.get(i)));
        }
        if (extraConvs != null) {
            for (int j = 0; j < extraConvs.size(); j++) {
                outs.add(extraConvs.get(j).forward(j == 0 ? inputs.get(inputs.size() - 1) : outs.get(outs.size() - 1)));
            }
        }
        return outs;
    }
}
