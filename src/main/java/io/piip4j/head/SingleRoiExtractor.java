package io.piip4j.head;

import io.piip4j.ops.RoiAlign;
import io.piip4j.ops.RoiAlignGather;
import io.piip4j.tensor.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.25's {@code SingleRoIExtractor} with an mmcv {@code RoIAlign} layer per level: each
 * RoI goes to level {@code floor(log2(sqrt(w·h) / finestScale + 1e-6))}, clamped to the levels, and
 * is pooled there at {@code 1 / stride} scale.
 */
public final class SingleRoiExtractor {
    public static final float DEFAULT_FINEST_SCALE = 56f;

    private final int outputSize;
    private final int samplingRatio;
    private final boolean aligned;
    private final int[] strides;
    private final float finestScale;

    public SingleRoiExtractor(int outputSize, int samplingRatio, boolean aligned, int[] featmapStrides, float finestScale) {
        if (outputSize < 1 || featmapStrides.length == 0) {
            throw new IllegalArgumentException("RoI extractor: output size " + outputSize + ", " + featmapStrides.length + " strides");
        }
        this.outputSize = outputSize;
        this.samplingRatio = samplingRatio;
        this.aligned = aligned;
        this.strides = featmapStrides.clone();
        this.finestScale = finestScale;
    }

    public int numLevels() {
        return strides.length;
    }

    public int outputSize() {
        return outputSize;
    }

    /** The level of each RoI ({@code n × 5}: image, x1, y1, x2, y2), as {@code map_roi_levels}. */
    public int[] levels(float[] rois, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float w = rois[5 * i + 3] - rois[5 * i + 1];
            float h = rois[5 * i + 4] - rois[5 * i + 2];
            float scale = (float) Math.sqrt(w * h);
            float v = scale / finestScale + 1e-6f;
            // floor(log2(v)) is the binary exponent of a positive normal float; zero, negative and NaN map to level 0
            int level = v >= Float.MIN_NORMAL ? Math.getExponent(v) : Integer.MIN_VALUE;
            out[i] = Math.max(0, Math.min(strides.length - 1, level));
        }
        return out;
    }

    /**
     * Pooled features {@code (n, C, s, s)} of {@code n} RoIs ({@code n × 5}: image index, x1, y1, x2, y2)
     * from the first {@link #numLevels} maps of {@code feats}.
     */
    public Tensor forward(List<Tensor> feats, float[] rois, int n) {
        Tensor first = feats.get(0);
        int channels = (int) first.size(1);
        int s = outputSize;
        int per = channels * s * s;
        float[] out = new float[n * per];
        int[] levels = levels(rois, n);
        for (int l = 0; l < strides.length; l++) {
            float[] data = null;
            Tensor f = feats.get(l);
            int height = (int) f.size(2);
            int width = (int) f.size(3);
            float scale = 1f / strides[l];
            for (int i = 0; i < n; i++) {
                if (levels[i] != l) {
                    continue;
                }
                if (data == null) { // channels-last: the pooling's inner loop runs over contiguous channels
                    data = Tensors.toFloats(f.permute(0, 2, 3, 1));
                }
                int image = (int) rois[5 * i];
                RoiAlign.poolChannelsLast(data, image * channels * height * width, channels, height, width, rois[5 * i + 1],
                        rois[5 * i + 2], rois[5 * i + 3], rois[5 * i + 4], scale, s, s, samplingRatio, aligned, out, i * per);
            }
        }
        return Tensors.fromFloats(out, n, channels, s, s);
    }

    /**
     * As {@link #forward}, written as tensor operations ({@link RoiAlignGather}) so that gradients
     * reach the feature maps: the training path.
     */
    public Tensor forwardDifferentiable(List<Tensor> feats, float[] rois, int n) {
        int[] levels = levels(rois, n);
        long channels = feats.get(0).size(1);
        int s = outputSize;
        Tensor out = org.bytedeco.pytorch.global.torch.zeros(new long[] {n, channels, s, s}, feats.get(0).options());
        for (int l = 0; l < strides.length; l++) {
            int count = 0;
            for (int lv : levels) {
                count += lv == l ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            int[] idx = new int[count];
            float[] levelRois = new float[5 * count];
            for (int i = 0, k = 0; i < n; i++) {
                if (levels[i] == l) {
                    idx[k] = i;
                    System.arraycopy(rois, 5 * i, levelRois, 5 * k, 5);
                    k++;
                }
            }
            Tensor pooled = RoiAlignGather.pool(feats.get(l), levelRois, count, 1f / strides[l], s, samplingRatio, aligned);
            out = out.index_copy(0, Tensors.fromInts(idx, count).to(org.bytedeco.pytorch.global.torch.ScalarType.Long), pooled);
        }
        return out;
    }

    /** mmdetection's {@code bbox2roi}: the boxes of every image ({@code k × stride} rows, first 4 values used) as RoIs. */
    public static float[] toRois(List<float[]> boxesPerImage, int stride) {
        int total = 0;
        for (float[] b : boxesPerImage) {
            total += b.length / stride;
        }
        float[] rois = new float[5 * total];
        int at = 0;
        for (int img = 0; img < boxesPerImage.size(); img++) {
            float[] b = boxesPerImage.get(img);
            for (int i = 0; i < b.length / stride; i++, at++) {
                rois[5 * at] = img;
                System.arraycopy(b, i * stride, rois, 5 * at + 1, 4);
            }
        }
        return rois;
    }
}
