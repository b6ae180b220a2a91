package io.piip4j.ops;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * RoIAlign written as tensor operations, so gradients reach the feature maps (training): the
 * bilinear taps of every region are computed as {@link RoiAlign} computes them, then the features
 * are gathered at those positions ({@code index_select}), weighted, and summed into their bins
 * ({@code index_add}) — the same numbers as {@link RoiAlign#pool}, differentiable in the features.
 */
public final class RoiAlignGather {
    private RoiAlignGather() {
    }

    /**
     * @param feature one level's maps, (B, C, H, W)
     * @param rois    n × 5 ({@code image x1 y1 x2 y2}) regions, in image coordinates
     * @return (n, C, out, out)
     */
    public static Tensor pool(Tensor feature, float[] rois, int n, float spatialScale, int out, int samplingRatio, boolean aligned) {
        long batch = feature.size(0);
        long channels = feature.size(1);
        int height = (int) feature.size(2);
        int width = (int) feature.size(3);
        int plane = height * width;
        int bins = out * out;
        // count the taps first, so the index arrays are allocated once
        RoiAlign.Samples[] samples = new RoiAlign.Samples[n];
        int taps = 0;
        for (int i = 0; i < n; i++) {
            samples[i] = RoiAlign.samples(height, width, rois[5 * i + 1], rois[5 * i + 2], rois[5 * i + 3], rois[5 * i + 4],
                    spatialScale, out, out, samplingRatio, aligned);
            taps += samples[i].pos().length;
        }
        int[] from = new int[taps];
        int[] to = new int[taps];
        float[] weight = new float[taps];
        int t = 0;
        for (int i = 0; i < n; i++) {
            RoiAlign.Samples s = samples[i];
            int image = (int) rois[5 * i];
            for (int q = 0; q < s.pos().length; q++, t++) {
                from[t] = image * plane + s.pos()[q];
                to[t] = i * bins + (q / 4) / s.perBin();
                weight[t] = s.weight()[q] / s.count();
            }
        }
        Tensor flat = feature.permute(1, 0, 2, 3).reshape(channels, batch * plane); // (C, B·H·W)
        Tensor gathered = flat.index_select(1, Tensors.fromInts(from, taps).to(torch.ScalarType.Long));
        Tensor weighted = gathered.mul(Tensors.fromFloats(weight, 1, taps).to(feature.scalar_type()));
        Tensor pooled = torch.zeros(new long[] {channels, (long) n * bins}, feature.options())
                .index_add(1, Tensors.fromInts(to, taps).to(torch.ScalarType.Long), weighted);
        return pooled.reshape(channels, n, out, out).permute(1, 0, 2, 3).contiguous();
    }
}
