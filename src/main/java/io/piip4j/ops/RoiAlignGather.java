package io.piip4j.ops;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * RoIAlign written as tensor operations, so gradients reach the feature maps (training): the
 * bilinear taps of every region are computed as {@link RoiAlign} computes them and become a sparse
 * matrix from feature positions to bins (duplicate taps summed); pooling is then one sparse × dense
 * product with the channels-last maps — the same numbers as {@link RoiAlign#pool}, differentiable in
 * the features, without materialising a copy of the features per tap.
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
        int[] coords = new int[2 * taps];
        System.arraycopy(to, 0, coords, 0, taps);
        System.arraycopy(from, 0, coords, taps, taps);
        Tensor indices = Tensors.fromInts(coords, 2, taps).to(torch.ScalarType.Long);
        Tensor values = Tensors.fromFloats(weight, taps).to(feature.scalar_type());
        Tensor bilinear = torch.sparse_coo_tensor(indices, values, new long[] {(long) n * bins, batch * plane},
                new org.bytedeco.pytorch.TensorOptions(), new org.bytedeco.pytorch.BoolOptional()).coalesce();
        Tensor flat = feature.permute(0, 2, 3, 1).reshape(batch * plane, channels); // (B·H·W, C)
        Tensor pooled = bilinear.mm(flat); // (n·bins, C)
        return pooled.reshape(n, out, out, channels).permute(0, 3, 1, 2).contiguous();
    }
}
