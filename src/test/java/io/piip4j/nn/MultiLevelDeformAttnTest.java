package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import java.util.List;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * {@link MSDeformAttn} over several feature levels, both paths (the fused inference pass and the
 * differentiable tensor ops), against Deformable DETR's {@code ms_deform_attn_core_pytorch}
 * written out here per level with plain {@code grid_sample}; and the one-level case bit for bit
 * as it was before levels existed.
 */
class MultiLevelDeformAttnTest {
    private static MSDeformAttn layer(long dim, int levels, int heads, int points, double ratio, long dFeat, long seed) {
        torch.manual_seed(seed);
        MSDeformAttn a = new MSDeformAttn(dim, levels, heads, points, ratio, dFeat);
        long offsetRows = (long) heads * levels * points * 2;
        for (Parameter p : a.namedParameters().values()) {
            // offsets of a few cells so that some points land outside their level's grid
            p.set(torch.randn(p.shape()).mul(new Scalar(p.shape()[0] == offsetRows ? 2.0 : 0.5)));
        }
        return a;
    }

    private static float[] run(MSDeformAttn a, Tensor q, Tensor ref, Tensor feat, MSDeformAttn.Levels levels, boolean fused) {
        if (fused) {
            try (InferenceMode m = new InferenceMode()) {
                return Tensors.toFloats(a.forward(q, ref, feat, levels));
            }
        }
        return Tensors.toFloats(a.forward(q, ref, feat, levels).detach()); // gradients on: the tensor ops
    }

    private static Tensor linear(MSDeformAttn a, String name, Tensor x) {
        Tensor w = a.namedParameters().get(name + ".weight").get();
        Tensor b = a.namedParameters().get(name + ".bias").get();
        return x.matmul(w.t()).add(b);
    }

    /**
     * The reference module's forward with {@code ms_deform_attn_core_pytorch}: per level l, the
     * values as an (N·M, D, H_l, W_l) image sampled at {@code 2·(ref_l + offset / (W_l, H_l)) − 1}
     * (bilinear, zero padding, align_corners=False); the samples of all levels and points weighted
     * by one softmax per head and summed.
     */
    private static float[] expected(MSDeformAttn a, Tensor q, Tensor ref, Tensor feat, long[] hw) {
        int levels = a.numLevels();
        int heads = a.numHeads();
        int points = a.numPoints();
        long n = q.size(0);
        long lq = q.size(1);
        Tensor value = linear(a, "value_proj", feat);
        long d = value.size(2) / heads;
        Tensor offsets = linear(a, "sampling_offsets", q).view(n, lq, heads, levels, points, 2);
        Tensor weights = F.softmax(linear(a, "attention_weights", q).view(n, lq, heads, levels * points), -1)
                .view(n, lq, heads, levels, points);
        Tensor refs = ref.expand(n, lq, levels, 2); // (N, Lq, L, 2)
        Tensor sum = null;
        long start = 0;
        for (int l = 0; l < levels; l++) {
            long h = hw[2 * l];
            long w = hw[2 * l + 1];
            Tensor image = value.narrow(1, start, h * w).reshape(n, h * w, heads, d).permute(0, 2, 3, 1)
                    .reshape(n * heads, d, h, w);
            start += h * w;
            Tensor refL = refs.select(2, l).reshape(n, lq, 1, 1, 2);
            Tensor off = offsets.select(3, l); // (N, Lq, M, P, 2)
            Tensor x = refL.select(4, 0).add(off.select(4, 0).div(new Scalar((double) w)));
            Tensor y = refL.select(4, 1).add(off.select(4, 1).div(new Scalar((double) h)));
            Tensor loc = F.stack(-1, x, y);
            Tensor grid = loc.mul(new Scalar(2.0)).sub(new Scalar(1.0)).permute(0, 2, 1, 3, 4).reshape(n * heads, lq, points, 2);
            Tensor sampled = torch.grid_sampler(image, grid, 0 /* bilinear */, 0 /* zeros */, false); // (N·M, D, Lq, P)
            Tensor attn = weights.select(3, l).permute(0, 2, 1, 3).reshape(n * heads, 1, lq, points);
            Tensor part = sampled.mul(attn).sum(new long[] {-1}, false, new ScalarTypeOptional()); // (N·M, D, Lq)
            sum = sum == null ? part : sum.add(part);
        }
        Tensor out = sum.view(n, heads * d, lq).transpose(1, 2);
        return Tensors.toFloats(linear(a, "output_proj", out).detach());
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 1;
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max / scale < 1e-5, what + ": max error " + max + " at scale " + scale);
    }

    private static void checkBothPaths(MSDeformAttn a, long n, long lq, long dFeat, long[] hw, boolean perLevelRefs) {
        MSDeformAttn.Levels levels = MSDeformAttn.Levels.of(hw);
        Tensor q = torch.randn(n, lq, a.children().get("sampling_offsets").namedParameters().get("weight").shape()[1]);
        Tensor feat = torch.randn(n, levels.tokens(), dFeat);
        // references in and around [0, 1], per image and per level or one for all levels
        Tensor ref = torch.rand(n, lq, perLevelRefs ? a.numLevels() : 1, 2).mul(new Scalar(1.4)).sub(new Scalar(0.2));
        float[] want;
        try (InferenceMode m = new InferenceMode()) {
            want = expected(a, q, ref, feat, hw);
        }
        assertClose(want, run(a, q, ref, feat, levels, false), "tensor ops");
        assertClose(want, run(a, q, ref, feat, levels, true), "fused pass");
    }

    @Test
    void twoLevelsMatchTheReferenceFormula() {
        MSDeformAttn a = layer(32, 2, 4, 3, 0.5, 24, 11);
        checkBothPaths(a, 2, 7, 24, new long[] {5, 7, 3, 4}, true);
        checkBothPaths(a, 2, 7, 24, new long[] {5, 7, 3, 4}, false);
    }

    @Test
    void fourLevelsMatchTheReferenceFormula() {
        MSDeformAttn a = layer(48, 4, 6, 2, 1.0, 48, 12);
        checkBothPaths(a, 3, 5, 48, new long[] {8, 6, 4, 3, 2, 2, 1, 1}, true);
    }

    @Test
    void oneLevelKeepsItsNamesAndShapes() {
        MSDeformAttn one = new MSDeformAttn(32, 4, 3, 0.5, 24);
        MSDeformAttn four = new MSDeformAttn(32, 4, 4, 3, 0.5, 24);
        List<String> keys = List.of("sampling_offsets.weight", "sampling_offsets.bias", "attention_weights.weight",
                "attention_weights.bias", "value_proj.weight", "value_proj.bias", "output_proj.weight", "output_proj.bias");
        assertEquals(keys, List.copyOf(one.namedParameters().keySet()));
        assertEquals(keys, List.copyOf(four.namedParameters().keySet()));
        assertArrayEquals(new long[] {4 * 3 * 2, 32}, one.namedParameters().get("sampling_offsets.weight").shape());
        assertArrayEquals(new long[] {4 * 4 * 3 * 2, 32}, four.namedParameters().get("sampling_offsets.weight").shape());
        assertArrayEquals(new long[] {4 * 4 * 3}, four.namedParameters().get("attention_weights.bias").shape());
    }

    /**
     * The one-level layer gives the numbers it gave before levels existed: bit for bit the previous
     * one-level tensor ops (kept below) in this run, and both paths within 1e-6 of the output scale
     * of the outputs the previous implementation recorded (bit-exact on the CPU path that recorded
     * them; other CPU paths round the projections differently in the last bit).
     */
    @Test
    void oneLevelGivesThePreviousNumbers() {
        torch.manual_seed(21);
        MSDeformAttn a = new MSDeformAttn(16, 2, 3, 0.5, 12);
        for (Parameter p : a.namedParameters().values()) {
            p.set(torch.randn(p.shape()).mul(new Scalar(p.shape()[0] == 12 ? 2.0 : 0.5)));
        }
        Tensor q = torch.randn(2, 3, 16);
        Tensor feat = torch.randn(2, 20, 12);
        Tensor ref = torch.rand(2, 3, 1, 2).mul(new Scalar(1.4)).sub(new Scalar(0.2));
        float[] tensorOps = Tensors.toFloats(a.forward(q, ref, feat, 4, 5).detach());
        float[] fused;
        try (InferenceMode m = new InferenceMode()) {
            fused = Tensors.toFloats(a.forward(q, ref, feat, 4, 5));
        }
        assertArrayEquals(previousTensorOps(a, q, ref, feat, 4, 5), tensorOps, 0f);
        assertArrayEquals(tensorOps, run(a, q, ref, feat, MSDeformAttn.Levels.of(4, 5), false), 0f);
        assertRecorded(bits(PREVIOUS_TENSOR_OPS), tensorOps);
        assertRecorded(bits(PREVIOUS_FUSED), fused);
    }

    private static void assertRecorded(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        double scale = 1;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-6 * scale, "at " + i + ": " + want[i] + " before, " + got[i] + " now");
        }
    }

    /** The one-level tensor ops as they were before levels (the layer's own projections). */
    private static float[] previousTensorOps(MSDeformAttn a, Tensor query, Tensor reference, Tensor feat, long h, long w) {
        int numHeads = a.numHeads();
        int numPoints = a.numPoints();
        Linear valueProj = (Linear) a.children().get("value_proj");
        long n = query.size(0);
        long lq = query.size(1);
        Tensor value = valueProj.forward(feat);
        long headDim = value.size(2) / numHeads;
        Tensor offsetsFlat = ((Linear) a.children().get("sampling_offsets")).forward(query);
        Tensor logits = ((Linear) a.children().get("attention_weights")).forward(query);
        Tensor grid2d = value.view(n, h * w, numHeads, headDim).flatten(2, -1).transpose(1, 2)
                .reshape(n * numHeads, headDim, h, w);
        Tensor offsets = offsetsFlat.view(n, lq, numHeads, numPoints, 2);
        Tensor weights = F.softmax(logits.view(n, lq, numHeads, numPoints), -1);
        Tensor normalizer = Tensors.fromFloats(new float[] {w, h}, 2);
        Tensor loc = reference.view(reference.size(0), lq, 1, 1, 2).add(offsets.div(normalizer));
        Tensor grid = F.add(F.mul(loc, 2.0), -1.0).transpose(1, 2).flatten(0, 1);
        Tensor sampled = F.gridSample(grid2d, grid);
        Tensor attn = weights.transpose(1, 2).reshape(n * numHeads, 1, lq, numPoints);
        Tensor out = sampled.mul(attn).sum(new long[] {-1}, false, new ScalarTypeOptional())
                .view(n, numHeads * headDim, lq).transpose(1, 2);
        return Tensors.toFloats(((Linear) a.children().get("output_proj")).forward(out).detach());
    }

    @Test
    void levelsThatDoNotCoverTheInputAreRefused() {
        MSDeformAttn a = new MSDeformAttn(16, 2, 2, 2, 1.0, 16);
        Tensor q = torch.randn(1, 3, 16);
        Tensor ref = torch.rand(1, 3, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.forward(q, ref, torch.randn(1, 20, 16), MSDeformAttn.Levels.of(4, 4, 2, 1)));
        assertTrue(e.getMessage().contains("18 tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.forward(q, ref, torch.randn(1, 16, 16), 4, 4));
        assertEquals(List.of(0L, 20L, 26L), java.util.Arrays.stream(MSDeformAttn.Levels.of(4, 5, 2, 3, 1, 1).starts())
                .boxed().toList());
    }

    private static float[] bits(int[] raw) {
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Float.intBitsToFloat(raw[i]);
        }
        return out;
    }

    private static final int[] PREVIOUS_TENSOR_OPS = {
            0x3f071625, 0x3f08ffe0, 0x3e90269a, 0xbed03f99, 0x3d7e2e80, 0x3e647205, 0x3e91188e, 0xbdbd5eb8,
            0xbf97ab11, 0x3e3f3438, 0x3e3ea2fc, 0x3e59403a, 0x3f389e6a, 0x40042a1c, 0x3faeaf31, 0x3edc38f9,
            0x3bb4bbc6, 0x3ed920e6, 0xbf34e806, 0x3eebd37d, 0xbf162186, 0x3e0f3ef9, 0x3ee8cf00, 0xbed09bab,
            0x3da88511, 0xbecda4dc, 0xbf0be9b9, 0x3e6dbca5, 0x3f0dbe93, 0x3f5d429e, 0x3f40e4cd, 0x3f0d2ab4,
            0x3bb4bbc6, 0x3ed920e6, 0xbf34e806, 0x3eebd37d, 0xbf162186, 0x3e0f3ef9, 0x3ee8cf00, 0xbed09bab,
            0x3da88511, 0xbecda4dc, 0xbf0be9b9, 0x3e6dbca5, 0x3f0dbe93, 0x3f5d429e, 0x3f40e4cd, 0x3f0d2ab4,
            0xbb4300c8, 0x3ed54175, 0xbf3692a8, 0x3ee99438, 0xbf1a7e0f, 0x3e1b46c9, 0x3eea59c9, 0xbed02f15,
            0x3d92430e, 0xbeca9c4a, 0xbf09e3d1, 0x3e7025c2, 0x3f0d22f8, 0x3f5e46d4, 0x3f435d74, 0x3f0bb98f,
            0x3bb4bbc6, 0x3ed920e6, 0xbf34e806, 0x3eebd37d, 0xbf162186, 0x3e0f3ef9, 0x3ee8cf00, 0xbed09bab,
            0x3da88511, 0xbecda4dc, 0xbf0be9b9, 0x3e6dbca5, 0x3f0dbe93, 0x3f5d429e, 0x3f40e4cd, 0x3f0d2ab4,
            0x3ead0483, 0x3f7c00b8, 0xbeeba38e, 0x3dbe5d44, 0xbf1aee39, 0xbf24b9bd, 0x4015adc2, 0xbe4e91e8,
            0x3f43e682, 0xbfb7107c, 0xbf4c5c5e, 0x3fc90417, 0x3f1d20ad, 0x3e92e334, 0x3fbcde6a, 0xbdd28488,
    };

    private static final int[] PREVIOUS_FUSED = {
            0x3f071626, 0x3f08ffdf, 0x3e902696, 0xbed03f99, 0x3d7e2e80, 0x3e647204, 0x3e911891, 0xbdbd5eb8,
            0xbf97ab11, 0x3e3f3438, 0x3e3ea300, 0x3e594039, 0x3f389e6a, 0x40042a1c, 0x3faeaf31, 0x3edc38fa,
            0x3bb4bbc6, 0x3ed920e6, 0xbf34e806, 0x3eebd37d, 0xbf162186, 0x3e0f3ef9, 0x3ee8cf00, 0xbed09bab,
            0x3da88511, 0xbecda4dc, 0xbf0be9b9, 0x3e6dbca5, 0x3f0dbe93, 0x3f5d429e, 0x3f40e4cd, 0x3f0d2ab4,
            0x3bb4bbc6, 0x3ed920e6, 0xbf34e806, 0x3eebd37d, 0xbf162186, 0x3e0f3ef9, 0x3ee8cf00, 0xbed09bab,
            0x3da88511, 0xbecda4dc, 0xbf0be9b9, 0x3e6dbca5, 0x3f0dbe93, 0x3f5d429e, 0x3f40e4cd, 0x3f0d2ab4,
            0xbb4300cc, 0x3ed54175, 0xbf3692a8, 0x3ee99438, 0xbf1a7e0f, 0x3e1b46c9, 0x3eea59c9, 0xbed02f15,
            0x3d92430e, 0xbeca9c4a, 0xbf09e3d1, 0x3e7025c2, 0x3f0d22f8, 0x3f5e46d4, 0x3f435d74, 0x3f0bb98f,
            0x3bb4bbc6, 0x3ed920e6, 0xbf34e806, 0x3eebd37d, 0xbf162186, 0x3e0f3ef9, 0x3ee8cf00, 0xbed09bab,
            0x3da88511, 0xbecda4dc, 0xbf0be9b9, 0x3e6dbca5, 0x3f0dbe93, 0x3f5d429e, 0x3f40e4cd, 0x3f0d2ab4,
            0x3ead0484, 0x3f7c00b6, 0xbeeba390, 0x3dbe5d44, 0xbf1aee3b, 0xbf24b9bb, 0x4015adc2, 0xbe4e91e3,
            0x3f43e683, 0xbfb7107d, 0xbf4c5c5d, 0x3fc90419, 0x3f1d20ac, 0x3e92e334, 0x3fbcde6b, 0xbdd28480,
    };
}
