package io.piip4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.piip4j.tensor.Tensors;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The differentiable RoIAlign gives the kernel's numbers, and its gradient is the bilinear weights. */
class RoiAlignGatherTest {
    @Test
    void equalsTheKernelAndBackpropagatesItsWeights() {
        int b = 2;
        int c = 3;
        int h = 9;
        int w = 11;
        Random rnd = new Random(5);
        float[] f = new float[b * c * h * w];
        for (int i = 0; i < f.length; i++) {
            f[i] = rnd.nextFloat() * 2 - 1;
        }
        // regions of several sizes (adaptive sampling grids 1..3), on both images, inside the map
        float[] rois = {0, 1, 1, 9, 7, 1, 0, 0, 40, 32, 0, 10.5f, 3.2f, 13.1f, 6.9f, 1, 20, 12, 43, 35};
        int n = 4;
        float scale = 0.25f;
        int out = 3;
        float[] expected = new float[n * c * out * out];
        for (int i = 0; i < n; i++) {
            RoiAlign.pool(f, (int) rois[5 * i] * c * h * w, c, h, w, rois[5 * i + 1], rois[5 * i + 2], rois[5 * i + 3],
                    rois[5 * i + 4], scale, out, out, 0, true, expected, i * c * out * out);
        }
        Tensor feature = Tensors.fromFloats(f, b, c, h, w);
        feature.set_requires_grad(true);
        Tensor pooled = RoiAlignGather.pool(feature, rois, n, scale, out, 0, true);
        assertArrayEquals(new long[] {n, c, out, out}, Tensors.shape(pooled));
        assertArrayEquals(expected, Tensors.toFloats(pooled), 1e-6f);
        pooled.sum().backward();
        float[] grad = Tensors.toFloats(feature.grad());
        // every bin of every channel averages bilinear weights that sum to one: d(sum)/d(features) sums to n·c·bins
        double total = 0;
        for (float g : grad) {
            total += g;
        }
        assertEquals(n * c * out * out, total, 1e-3);
        // a feature no region samples gets no gradient: image 0 far corner is outside both of its regions
        assertEquals(0f, grad[(h - 1) * w + (w - 1)]);
    }
}
