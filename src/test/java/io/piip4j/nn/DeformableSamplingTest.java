package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The fused inference pass of {@link MSDeformAttn} against its op-for-op tensor path (the
 * reference's PyTorch code, run here with gradients on): sampling points inside, on the edge of
 * and well outside the grid, a batch with per-image reference points, and one shared reference.
 */
class DeformableSamplingTest {
    private static MSDeformAttn layer(long dim, int heads, int points, double ratio, long seed) {
        torch.manual_seed(seed);
        MSDeformAttn a = new MSDeformAttn(dim, heads, points, ratio, dim);
        for (Parameter p : a.namedParameters().values()) {
            // offsets of several cells so that many points land outside the 5×7 grid
            p.set(torch.randn(p.shape()).mul(new Scalar(p.shape()[0] == (long) heads * points * 2 ? 2.0 : 0.5)));
        }
        return a;
    }

    private static float[] run(MSDeformAttn a, Tensor q, Tensor ref, Tensor feat, boolean fused) {
        if (fused) {
            try (InferenceMode m = new InferenceMode()) {
                return Tensors.toFloats(a.forward(q, ref, feat, 5, 7));
            }
        }
        return Tensors.toFloats(a.forward(q, ref, feat, 5, 7).detach()); // gradients on: the tensor ops
    }

    private static void assertClose(float[] want, float[] got) {
        assertTrue(want.length == got.length);
        double scale = 1;
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max / scale < 1e-5, "fused vs tensor ops: max error " + max + " at scale " + scale);
    }

    @Test
    void fusedPassEqualsTheTensorOpsWithPerImageReferences() {
        MSDeformAttn a = layer(32, 4, 4, 0.5, 7);
        Tensor q = torch.randn(2, 11, 32);
        Tensor feat = torch.randn(2, 35, 32);
        // per-image references, including the grid's corners and points outside [0, 1]
        Tensor ref = torch.rand(2, 11, 1, 2).mul(new Scalar(1.4)).sub(new Scalar(0.2));
        assertClose(run(a, q, ref, feat, false), run(a, q, ref, feat, true));
    }

    @Test
    void fusedPassEqualsTheTensorOpsWithASharedReference() {
        MSDeformAttn a = layer(48, 6, 3, 1.0, 8);
        Tensor q = torch.randn(3, 9, 48);
        Tensor feat = torch.randn(3, 35, 48);
        Tensor ref = torch.rand(1, 9, 1, 2);
        assertClose(run(a, q, ref, feat, false), run(a, q, ref, feat, true));
    }

    @Test
    void pointsFarOutsideTheGridContributeNothing() {
        MSDeformAttn a = layer(16, 2, 2, 1.0, 9);
        a.namedParameters().get("sampling_offsets.weight").set(torch.zeros(8, 16));
        a.namedParameters().get("sampling_offsets.bias").set(torch.full(new long[] {8}, new Scalar(100.0)));
        Tensor q = torch.randn(1, 4, 16);
        Tensor feat = torch.randn(1, 35, 16);
        Tensor ref = torch.rand(1, 4, 1, 2);
        float[] fused = run(a, q, ref, feat, true);
        float[] bias = Tensors.toFloats(a.namedParameters().get("output_proj.bias").get());
        float[] expected = new float[fused.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = bias[i % bias.length]; // zero padding: only the output projection's bias is left
        }
        assertArrayEquals(expected, fused, 1e-6f);
        assertClose(run(a, q, ref, feat, false), fused);
    }

    /** DINO's decoder: four levels, box references per level, a padding mask over the values. */
    @Test
    void fusedPassEqualsTheTensorOpsWithBoxReferencesAndPadding() {
        torch.manual_seed(11);
        MSDeformAttn a = new MSDeformAttn(32, 4, 8, 4, 1.0, 32);
        for (Parameter p : a.namedParameters().values()) {
            p.set(torch.randn(p.shape()).mul(new Scalar(p.shape()[0] == 8L * 4 * 4 * 2 ? 2.0 : 0.5)));
        }
        MSDeformAttn.Levels levels = MSDeformAttn.Levels.of(6, 8, 3, 4, 2, 2, 1, 1);
        long len = levels.tokens();
        Tensor q = torch.randn(2, 7, 32);
        Tensor feat = torch.randn(2, len, 32);
        Tensor boxes = torch.rand(2, 7, 4, 4); // (cx, cy, w, h) per level
        Tensor padding = torch.rand(2, len).gt(new Scalar(0.7));
        float[] tensorOps = Tensors.toFloats(a.forward(q, boxes, feat, levels, padding).detach());
        float[] fused;
        float[] otherPadValues;
        try (InferenceMode m = new InferenceMode()) {
            fused = Tensors.toFloats(a.forward(q, boxes, feat, levels, padding));
            // values at padded positions are masked out: changing them changes nothing
            Tensor noisy = feat.add(torch.randn(2, len, 32).mul(padding.unsqueeze(-1).to(torch.ScalarType.Float)));
            otherPadValues = Tensors.toFloats(a.forward(q, boxes, noisy, levels, padding));
        }
        assertClose(tensorOps, fused);
        assertArrayEquals(fused, otherPadValues, 1e-6f);
    }
}
