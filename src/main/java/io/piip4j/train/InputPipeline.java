package io.piip4j.train;

import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * From a small data set's 8-bit samples to the model's input, identically in training and in
 * classification: scale to [0, 1], normalise per data channel ({@code (v − mean) / std}), resize
 * bilinearly ({@code F.interpolate(..., mode='bilinear', align_corners=False)}) to the model's
 * input size, and replicate a grey channel to the three channels the patch embedding takes.
 */
public record InputPipeline(double[] mean, double[] std, int inputSize) {

    /** {@code pixels}: n images of c×h×w 8-bit samples (channel-major). */
    public Tensor toTensor(byte[] pixels, int n, int c, int h, int w) {
        int plane = h * w;
        float[] v = new float[n * c * plane];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                float m = (float) mean[ch];
                float s = (float) std[ch];
                int off = (i * c + ch) * plane;
                for (int k = 0; k < plane; k++) {
                    v[off + k] = ((pixels[off + k] & 0xFF) / 255f - m) / s;
                }
            }
        }
        Tensor x = Tensors.fromFloats(v, n, c, h, w);
        if (h != inputSize || w != inputSize) {
            x = F.interpolateBilinear(x, inputSize, inputSize);
        }
        return c == 1 ? x.expand(n, 3, inputSize, inputSize).contiguous() : x;
    }
}
