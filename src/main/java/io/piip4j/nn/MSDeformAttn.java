package io.piip4j.nn;

import io.piip4j.tensor.Devices;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import java.util.Arrays;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * Multi-scale deformable attention (Deformable DETR's {@code MSDeformAttn}, mmcv's
 * {@code MultiScaleDeformableAttention}): each query predicts, per head and feature level,
 * {@code n_points} sampling offsets around its reference point, and one softmax over the
 * {@code levels · points} weights of each head; values are sampled bilinearly per level with zero
 * padding ({@code grid_sample}, align_corners=False), the same arithmetic as the reference's
 * PyTorch path. PIIP's interactions use one level ({@code n_levels = 1}). {@code ratio} narrows
 * the value projection (ViT-Adapter's {@code deform_ratio}). DINO's transformer uses the n-level
 * form with a padding mask over the values and, in its decoder, box references
 * ({@code (cx, cy, w, h)}: offsets scaled by the box half-size over {@code n_points}, as mmcv's).
 *
 * <p>Parameters: {@code sampling_offsets} Linear(d, heads·levels·points·2) laid out
 * (heads, levels, points, xy), {@code attention_weights} Linear(d, heads·levels·points),
 * {@code value_proj}, {@code output_proj}.
 */
public final class MSDeformAttn extends Module {
    private final int numLevels;
    private final int numHeads;
    private final int numPoints;
    private final long valueDim;
    private final Linear samplingOffsets;
    private final Linear attentionWeights;
    private final Linear valueProj;
    private final Linear outputProj;

    /**
     * The feature levels' grids, as the reference's {@code input_spatial_shapes} (H_l, W_l) and
     * {@code input_level_start_index} (where level l's tokens start in the flattened input).
     */
    public record Levels(long[] heights, long[] widths, long[] starts) {
        public Levels {
            if (heights.length == 0 || heights.length != widths.length || heights.length != starts.length) {
                throw new IllegalArgumentException("levels need one height, width and start each, got "
                        + heights.length + ", " + widths.length + ", " + starts.length);
            }
            heights = heights.clone();
            widths = widths.clone();
            starts = starts.clone();
        }

        /** Levels laid out one after another: {@code (H_0, W_0, H_1, W_1, …)}, starts the running sums. */
        public static Levels of(long... hw) {
            if (hw.length == 0 || hw.length % 2 != 0) {
                throw new IllegalArgumentException("levels are (height, width) pairs, got " + hw.length + " numbers");
            }
            int n = hw.length / 2;
            long[] h = new long[n];
            long[] w = new long[n];
            long[] s = new long[n];
            long at = 0;
            for (int l = 0; l < n; l++) {
                h[l] = hw[2 * l];
                w[l] = hw[2 * l + 1];
                s[l] = at;
                at += h[l] * w[l];
            }
            return new Levels(h, w, s);
        }

        public int count() {
            return heights.length;
        }

        /** The tokens the levels cover: where the last one ends. */
        public long tokens() {
            int last = heights.length - 1;
            return starts[last] + heights[last] * widths[last];
        }

        @Override
        public long[] heights() {
            return heights.clone();
        }

        @Override
        public long[] widths() {
            return widths.clone();
        }

        @Override
        public long[] starts() {
            return starts.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Levels l && Arrays.equals(heights, l.heights) && Arrays.equals(widths, l.widths)
                    && Arrays.equals(starts, l.starts);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(heights) + Arrays.hashCode(widths)) + Arrays.hashCode(starts);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("Levels[");
            for (int l = 0; l < heights.length; l++) {
                b.append(l == 0 ? "" : ", ").append(heights[l]).append('x').append(widths[l]).append('@').append(starts[l]);
            }
            return b.append(']').toString();
        }
    }

    /** One feature level, as PIIP's interactions use it. */
    public MSDeformAttn(long dModel, int numHeads, int numPoints, double ratio, long dFeat) {
        this(dModel, 1, numHeads, numPoints, ratio, dFeat);
    }

    public MSDeformAttn(long dModel, int numLevels, int numHeads, int numPoints, double ratio, long dFeat) {
        if (dModel % numHeads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not divisible by n_heads " + numHeads);
        }
        if (numLevels < 1 || numPoints < 1) {
            throw new IllegalArgumentException("n_levels and n_points must be at least 1, got " + numLevels + ", " + numPoints);
        }
        this.numLevels = numLevels;
        this.numHeads = numHeads;
        this.numPoints = numPoints;
        this.valueDim = (long) (dModel * ratio);
        long samples = (long) numHeads * numLevels * numPoints;
        this.samplingOffsets = child("sampling_offsets", new Linear(dModel, samples * 2));
        this.attentionWeights = child("attention_weights", new Linear(dModel, samples));
        this.valueProj = child("value_proj", new Linear(dFeat, valueDim));
        this.outputProj = child("output_proj", new Linear(valueDim, dModel));
    }

    public int numLevels() {
        return numLevels;
    }

    public int numHeads() {
        return numHeads;
    }

    public int numPoints() {
        return numPoints;
    }

    /**
     * One feature level.
     *
     * @param query     (N, Lq, C)
     * @param reference (1 or N, Lq, 1, 2) normalised (x, y) in [0, 1]
     * @param feat      (N, H·W, C_feat)
     * @param h         feature grid height
     * @param w         feature grid width
     */
    public Tensor forward(Tensor query, Tensor reference, Tensor feat, long h, long w) {
        return forward(query, reference, feat, Levels.of(h, w));
    }

    /**
     * @param query     (N, Lq, C)
     * @param reference (1 or N, Lq, levels or 1, 2) normalised (x, y) in [0, 1], per level (one
     *                  for all levels when that dimension is 1)
     * @param feat      (N, Σ H_l·W_l, C_feat), the levels' tokens one after another
     * @param levels    the levels' grids and where their tokens start
     * @return (N, Lq, C)
     */
    public Tensor forward(Tensor query, Tensor reference, Tensor feat, Levels levels) {
        return forward(query, reference, feat, levels, null);
    }

    /**
     * As {@link #forward(Tensor, Tensor, Tensor, Levels)} with values at padded positions set to 0
     * (mmcv's {@code key_padding_mask}) and references that may be boxes.
     *
     * @param reference (1 or N, Lq, levels or 1, 2 or 4): points (x, y), or boxes (cx, cy, w, h)
     *                  around whose centre the offsets are scaled by {@code (w, h) / 2 / n_points}
     * @param padding   (N, Σ H_l·W_l) bool, true at padded positions; null where there is none
     */
    public Tensor forward(Tensor query, Tensor reference, Tensor feat, Levels levels, Tensor padding) {
        return hooked() ? call(FORWARD, () -> attend(query, reference, feat, levels, padding))
                : attend(query, reference, feat, levels, padding);
    }

    private Tensor attend(Tensor query, Tensor reference, Tensor feat, Levels levels, Tensor padding) {
        check(reference, feat, levels);
        long n = query.size(0);
        long lq = query.size(1);
        long tokens = feat.size(1);
        long headDim = valueDim / numHeads;
        Tensor projected = valueProj.forward(feat); // (N, Len, M·D)
        Tensor value = padding == null ? projected : projected.masked_fill(padding.unsqueeze(-1), new Scalar(0.0));
        Tensor offsets = samplingOffsets.forward(query);
        Tensor logits = attentionWeights.forward(query);
        // the step "sampling" (softmax, locations, bilinear samples, weighted sum) as hooks see it
        Tensor out = call("sampling", () -> {
            int samples = numLevels * numPoints;
            Tensor weights = F.softmax(logits.view(n, lq, numHeads, samples), -1); // over levels · points per head
            return DeformableSampling.applies(query, n * tokens * numHeads, n * lq * numHeads, samples)
                    ? DeformableSampling.sample(value.view(n, tokens, numHeads, headDim),
                            offsets.view(n, lq, numHeads, numLevels, numPoints, 2),
                            weights.view(n, lq, numHeads, numLevels, numPoints),
                            reference.view(reference.size(0), lq, reference.size(2), reference.size(3)), levels)
                    : sampleWithTensorOps(value.view(n, tokens, numHeads, headDim), offsets, weights, reference, levels);
        });
        return outputProj.forward(out);
    }

    private void check(Tensor reference, Tensor feat, Levels levels) {
        if (levels.count() != numLevels) {
            throw new IllegalArgumentException("deformable attention over " + numLevels + " level(s) got " + levels.count()
                    + " level shapes");
        }
        if (levels.tokens() != feat.size(1)) {
            throw new IllegalArgumentException("the levels " + levels + " cover " + levels.tokens() + " tokens but the input has "
                    + feat.size(1));
        }
        long refLevels = reference.dim() == 4 ? reference.size(2) : -1;
        if (refLevels != 1 && refLevels != numLevels || reference.size(-1) != 2 && reference.size(-1) != 4) {
            throw new IllegalArgumentException("reference points must be (N, Lq, " + numLevels + " or 1, 2 or 4), got "
                    + Arrays.toString(reference.sizes().vec().get()));
        }
    }

    /**
     * The reference's PyTorch path ({@code ms_deform_attn_core_pytorch}), op for op
     * (differentiable; any device): per level, the values as an (N·M, D, H_l, W_l) image sampled at
     * {@code 2·(ref + offset / (W_l, H_l)) − 1} (box references: {@code 2·(ref_xy + offset / P · ref_wh · 0.5) − 1});
     * the samples of all levels weighted and summed.
     *
     * @param value   (N, Len, M, D)
     * @param weights (N, Lq, M, L·P) softmax weights
     * @return (N, Lq, M·D)
     */
    private Tensor sampleWithTensorOps(Tensor value, Tensor offsetsFlat, Tensor weights, Tensor reference, Levels levels) {
        long n = value.size(0);
        long headDim = value.size(3);
        long lq = weights.size(1);
        Tensor offsets = offsetsFlat.view(n, lq, numHeads, numLevels, numPoints, 2);
        Tensor ref = Devices.onDeviceOf(reference, offsets);
        Tensor loc;
        if (ref.size(-1) == 2) {
            // locations = ref + offset / (W_l, H_l)
            float[] wh = new float[2 * numLevels];
            for (int l = 0; l < numLevels; l++) {
                wh[2 * l] = levels.widths[l];
                wh[2 * l + 1] = levels.heights[l];
            }
            Tensor normalizer = Devices.onDeviceOf(Tensors.fromFloats(wh, numLevels, 1, 2), offsets);
            loc = ref.view(ref.size(0), lq, 1, ref.size(2), 1, 2).add(offsets.div(normalizer));
        } else {
            // box references: locations = ref_xy + offset / P · ref_wh · 0.5
            Tensor box = ref.view(ref.size(0), lq, 1, ref.size(2), 1, 4);
            Tensor xy = F.slice(box, -1, 0, 2);
            Tensor half = F.slice(box, -1, 2, 4);
            loc = xy.add(F.mul(F.div(offsets, numPoints).mul(half), 0.5));
        }
        Tensor grid = F.add(F.mul(loc, 2.0), -1.0); // (N, Lq, M, L, P, 2)
        Tensor[] perLevel = new Tensor[numLevels];
        for (int l = 0; l < numLevels; l++) {
            long hl = levels.heights[l];
            long wl = levels.widths[l];
            // (N, H_l·W_l, M, D) → (N·M, D, H_l, W_l)
            Tensor image = value.narrow(1, levels.starts[l], hl * wl).flatten(2, -1).transpose(1, 2)
                    .reshape(n * numHeads, headDim, hl, wl);
            Tensor at = grid.select(3, l).transpose(1, 2).flatten(0, 1); // (N·M, Lq, P, 2)
            perLevel[l] = F.gridSample(image, at); // (N·M, D, Lq, P)
        }
        Tensor sampled = numLevels == 1 ? perLevel[0] : F.stack(-2, perLevel).flatten(-2, -1); // (N·M, D, Lq, L·P)
        Tensor attn = weights.transpose(1, 2).reshape(n * numHeads, 1, lq, (long) numLevels * numPoints);
        return sampled.mul(attn).sum(new long[] {-1}, false, new ScalarTypeOptional())
                .view(n, numHeads * headDim, lq).transpose(1, 2);
    }
}
