package io.piip4j.head;

import io.piip4j.neck.ConvModule;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Scoped;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * mmsegmentation 0.27's {@code UPerHead} at test time (UPerNet, Xiao et al. 2018): a pyramid pooling
 * module on the coarsest map (adaptive average pooling to each of {@code pool_scales}, 1×1
 * ConvModule, bilinear back up, concatenated with the map and fused by a 3×3 {@code bottleneck}),
 * lateral 1×1 convs on the finer maps, a top-down pathway (bilinear upsampling and sums), 3×3
 * {@code fpn_convs}, every level upsampled to the finest and fused by {@code fpn_bottleneck}, then
 * the 1×1 classifier {@code conv_seg} after a Dropout2d of {@code dropout_ratio} (in training only). Every ConvModule is
 * conv → BatchNorm → ReLU. Key names follow mmseg's state dict.
 */
public final class UperHead extends Module {
    private final int[] inIndex;
    private final int[] poolScales;
    private final ModuleList<Module.Sequential> pspModules;
    private final List<ConvModule> pspConvs = new ArrayList<>();
    private final ConvModule bottleneck;
    private final ModuleList<ConvModule> lateralConvs;
    private final ModuleList<ConvModule> fpnConvs;
    private final ConvModule fpnBottleneck;
    private final Conv2d convSeg;
    private final double dropoutRatio;

    /**
     * @param inChannels the channels of the maps the head takes ({@code in_channels}), finest first
     * @param inIndex    which backbone outputs those are ({@code in_index})
     */
    public UperHead(int[] inChannels, int[] inIndex, int channels, int[] poolScales, int numClasses, double dropoutRatio) {
        if (inChannels.length != inIndex.length || inChannels.length < 1) {
            throw new IllegalArgumentException("UPerHead: in_channels and in_index must have the same, non-zero length");
        }
        this.inIndex = inIndex.clone();
        this.dropoutRatio = dropoutRatio;
        this.poolScales = poolScales.clone();
        int n = inChannels.length;
        int last = inChannels[n - 1];
        this.pspModules = child("psp_modules", new ModuleList<>());
        for (int ignored : poolScales) {
            Module.Sequential s = new Module.Sequential();
            pspConvs.add(s.at(1, ConvModule.withBatchNorm(last, channels, 1))); // index 0 is the (weightless) pooling
            pspModules.add(s);
        }
        this.bottleneck = child("bottleneck", ConvModule.withBatchNorm(last + (long) poolScales.length * channels, channels, 3));
        this.lateralConvs = child("lateral_convs", new ModuleList<>());
        this.fpnConvs = child("fpn_convs", new ModuleList<>());
        for (int i = 0; i < n - 1; i++) {
            lateralConvs.add(ConvModule.withBatchNorm(inChannels[i], channels, 1));
            fpnConvs.add(ConvModule.withBatchNorm(channels, channels, 3));
        }
        this.fpnBottleneck = child("fpn_bottleneck", ConvModule.withBatchNorm((long) n * channels, channels, 3));
        this.convSeg = child("conv_seg", new Conv2d(channels, numClasses, 1, 1, 0, 1, true));
    }

    /** The backbone's maps (all of them; {@code in_index} picks) → logits (B, classes, H/4, W/4) at the finest map's size. */
    public Tensor forward(List<Tensor> features) {
        int n = inIndex.length;
        List<Tensor> inputs = new ArrayList<>();
        for (int i : inIndex) {
            inputs.add(features.get(i));
        }
        List<Tensor> laterals = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            laterals.add(Scoped.one(() -> lateralConvs.get(k).forward(inputs.get(k))));
        }
        laterals.add(Scoped.one(() -> pyramidPooling(inputs.get(n - 1))));
        for (int i = n - 1; i > 0; i--) {
            Tensor finer = laterals.get(i - 1);
            laterals.set(i - 1, finer.add(F.interpolateBilinear(laterals.get(i), finer.size(2), finer.size(3))));
        }
        Tensor[] outs = new Tensor[n];
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            outs[i] = Scoped.one(() -> fpnConvs.get(k).forward(laterals.get(k)));
        }
        outs[n - 1] = laterals.get(n - 1);
        long h = outs[0].size(2);
        long w = outs[0].size(3);
        for (int i = n - 1; i > 0; i--) {
            outs[i] = F.interpolateBilinear(outs[i], h, w);
        }
        return Scoped.one(() -> convSeg.forward(F.dropout2d(fpnBottleneck.forward(F.cat(1, outs)), dropoutRatio, isTraining())));
    }

    /** PPM: the map, then each pooled-convolved-upsampled scale, concatenated, through the bottleneck. */
    private Tensor pyramidPooling(Tensor x) {
        Tensor[] parts = new Tensor[poolScales.length + 1];
        parts[0] = x;
        for (int i = 0; i < poolScales.length; i++) {
            Tensor pooled = pspConvs.get(i).forward(F.adaptiveAvgPool2d(x, poolScales[i]));
            parts[i + 1] = F.interpolateBilinear(pooled, x.size(2), x.size(3));
        }
        return bottleneck.forward(F.cat(1, parts));
    }
}
