package io.piip4j.nn;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The sampling half of deformable attention as one gather-and-weight pass over all heads,
 * levels and points: each (query, head) is a bag of {@code 4·levels·points} value rows (the
 * bilinear corners of its sampling locations, each level's rows offset by its start index) whose
 * weights are corner weight × the point's softmax weight, summed by {@code embedding_bag} straight
 * into the (N, Lq, heads·D) layout the output projection reads. Corners outside a level's grid read
 * row 0 with weight 0 ({@code grid_sample}'s zero padding).
 *
 * <p>Why: as tensor ops (location arithmetic, {@code grid_sample} per level, a weighted sum, layout
 * copies) this is ~10 kernels per level on tensors of a few thousand elements, overhead-bound on
 * CPU. The corner indices and weights follow the reference's float32 steps (location, grid
 * coordinate, source index, grid_sample's corner weights). No gradient flows through the indices,
 * so this is an inference kernel; training and other devices use the tensor ops.
 */
final class DeformableSampling {
    private static final int CORNERS = 4;

    private DeformableSampling() {
    }

    /** Whether the fused pass applies: CPU, no gradients wanted, indices within int range. */
    static boolean applies(Tensor query, long valueRows, long bags, int samplesPerBag) {
        return !query.is_cuda() && !GradMode.is_enabled() && valueRows < Integer.MAX_VALUE
                && bags * samplesPerBag * CORNERS < Integer.MAX_VALUE;
    }

    /**
     * @param value     (N, Len, heads, D) float32, the levels' tokens one after another
     * @param offsets   (N, Lq, heads, L, P, 2) sampling offsets in grid cells of each level
     * @param attention (N, Lq, heads, L, P) softmax weights of the points
     * @param reference (1 or N, Lq, L or 1, 2 or 4) normalised (x, y), or boxes (cx, cy, w, h)
     * @return (N, Lq, heads·D) float32
     */
    static Tensor sample(Tensor value, Tensor offsets, Tensor attention, Tensor reference, MSDeformAttn.Levels levels) {
        int n = (int) value.size(0);
        int tokens = (int) value.size(1);
        int heads = (int) value.size(2);
        long d = value.size(3);
        int lq = (int) offsets.size(1);
        int points = (int) offsets.size(4);
        Grid grid = new Grid(levels, tokens, (int) reference.size(0), (int) reference.size(2), (int) reference.size(3));
        float[] off = Tensors.toFloats(offsets);
        float[] att = Tensors.toFloats(attention);
        float[] ref = Tensors.toFloats(reference);
        int perBag = grid.levels * points * CORNERS;
        int bags = n * lq * heads;
        int[] rows = new int[bags * perBag];
        float[] weights = new float[rows.length];
        corners(off, att, ref, grid, n, lq, heads, points, rows, weights);
        Tensor table = value.to(ScalarType.Float).contiguous().view(-1, d); // row (n·Len + pos)·heads + m
        Tensor bagStarts = torch.arange(new Scalar(0), new Scalar((long) rows.length), new Scalar(perBag),
                new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Int)));
        Tensor sum = torch.embedding_bag(table, Tensors.fromInts(rows, rows.length), bagStarts, false, 0 /* sum */, false,
                new TensorOptional(Tensors.fromFloats(weights, weights.length)), false).get0();
        return sum.view(n, lq, heads * d);
    }

    /**
     * The levels' grids as ints, the tokens per image, and the reference's batch and level counts
     * and its width (2: points, 4: boxes).
     */
    private record Grid(int levels, int[] h, int[] w, int[] start, int tokens, int refBatch, int refLevels, int refDim) {
        Grid(MSDeformAttn.Levels l, int tokens, int refBatch, int refLevels, int refDim) {
            this(l.count(), ints(l.heights()), ints(l.widths()), ints(l.starts()), tokens, refBatch, refLevels, refDim);
        }

        private static int[] ints(long[] v) {
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = Math.toIntExact(v[i]);
            }
            return out;
        }
    }

    /** The table rows and weights of every bag's corners. */
    private static void corners(float[] off, float[] att, float[] ref, Grid g, int n, int lq, int heads, int points,
            int[] rows, float[] weights) {
        for (int b = 0; b < n; b++) {
            int rb = g.refBatch == 1 ? 0 : b;
            for (int q = 0; q < lq; q++) {
                for (int m = 0; m < heads; m++) {
                    int bag = (b * lq + q) * heads + m;
                    for (int l = 0; l < g.levels; l++) {
                        int h = g.h[l];
                        int w = g.w[l];
                        float fw = w;
                        float fh = h;
                        int firstRow = b * g.tokens + g.start[l]; // first grid position of image b's level l
                        int r = ((rb * lq + q) * g.refLevels + (g.refLevels == 1 ? 0 : l)) * g.refDim;
                        float refX = ref[r];
                        float refY = ref[r + 1];
                        boolean box = g.refDim == 4;
                        float refW = box ? ref[r + 2] : 0f;
                        float refH = box ? ref[r + 3] : 0f;
                        for (int p = 0; p < points; p++) {
                            int at = (bag * g.levels + l) * points + p;
                            // the reference's steps: location, grid coordinate in [-1, 1], source index
                            float gx = box ? (refX + off[2 * at] / points * refW * 0.5f) * 2f - 1f
                                    : (refX + off[2 * at] / fw) * 2f - 1f;
                            float gy = box ? (refY + off[2 * at + 1] / points * refH * 0.5f) * 2f - 1f
                                    : (refY + off[2 * at + 1] / fh) * 2f - 1f;
                            float ix = ((gx + 1f) * fw - 1f) * 0.5f; // = / 2, exactly
                            float iy = ((gy + 1f) * fh - 1f) * 0.5f;
                            float x0f = (float) Math.floor(ix);
                            float y0f = (float) Math.floor(iy);
                            int x0 = (int) x0f;
                            int y0 = (int) y0f;
                            float a = att[at];
                            // grid_sample's corner weights: nw = (x1 − ix)(y1 − iy), ne = (ix − x0)(y1 − iy), …
                            float east = ix - x0f;
                            float west = (x0f + 1f) - ix;
                            float south = iy - y0f;
                            float north = (y0f + 1f) - iy;
                            int k = at * CORNERS;
                            // zero padding: a corner outside the grid reads row 0 with weight 0 (no branches)
                            boolean inX0 = x0 >= 0 & x0 < w;
                            boolean inX1 = x0 >= -1 & x0 < w - 1;
                            boolean inY0 = y0 >= 0 & y0 < h;
                            boolean inY1 = y0 >= -1 & y0 < h - 1;
                            int col0 = Math.max(0, Math.min(x0, w - 1));
                            int col1 = Math.max(0, Math.min(x0 + 1, w - 1));
                            int row0 = firstRow + Math.max(0, Math.min(y0, h - 1)) * w;
                            int row1 = firstRow + Math.max(0, Math.min(y0 + 1, h - 1)) * w;
                            rows[k] = (row0 + col0) * heads + m;
                            rows[k + 1] = (row0 + col1) * heads + m;
                            rows[k + 2] = (row1 + col0) * heads + m;
                            rows[k + 3] = (row1 + col1) * heads + m;
                            weights[k] = inX0 & inY0 ? west * north * a : 0f;
                            weights[k + 1] = inX1 & inY0 ? east * north * a : 0f;
                            weights[k + 2] = inX0 & inY1 ? west * south * a : 0f;
                            weights[k + 3] = inX1 & inY1 ? east * south * a : 0f;
                        }
                    }
                }
            }
        }
    }
}
