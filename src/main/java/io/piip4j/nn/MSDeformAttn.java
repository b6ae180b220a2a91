package io.piip4j.nn;

import io.piip4j.tensor.Devices;
import io.piip4j.tensor.F;
import io.piip4j.tensor.StageTimer;
import org.bytedeco.pytorch.Tensor;

/**
 * Deformable attention over one feature level (Deformable DETR's MSDeformAttn with
 * {@code n_levels = 1}, as PIIP's interactions use it): each query predicts, per head,
 * {@code n_points} sampling offsets around its reference point and their softmax weights; values
 * are sampled bilinearly with zero padding ({@code grid_sample}, align_corners=False), the same
 * arithmetic as the reference's PyTorch path. {@code ratio} narrows the value projection.
 */
public final class MSDeformAttn extends Module {
    private final int numHeads;
    private final int numPoints;
    private final long valueDim;
    private final Linear samplingOffsets;
    private final Linear attentionWeights;
    private final Linear valueProj;
    private final Linear outputProj;

    public MSDeformAttn(long dModel, int numHeads, int numPoints, double ratio, long dFeat) {
        if (dModel % numHeads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not divisible by n_heads " + numHeads);
        }
        this.numHeads = numHeads;
        this.numPoints = numPoints;
        this.valueDim = (long) (dModel * ratio);
        this.samplingOffsets = child("sampling_offsets", new Linear(dModel, (long) numHeads * numPoints * 2));
        this.attentionWeights = child("attention_weights", new Linear(dModel, (long) numHeads * numPoints));
        this.valueProj = child("value_proj", new Linear(dFeat, valueDim));
        this.outputProj = child("output_proj", new Linear(valueDim, dModel));
    }

    /**
     * @param query     (N, Lq, C)
     * @param reference (1 or N, Lq, 1, 2) normalised (x, y) in [0, 1]
     * @param feat      (N, H·W, C_feat)
     * @param h         feature grid height
     * @param w         feature grid width
     */
    public Tensor forward(Tensor query, Tensor reference, Tensor feat, long h, long w) {
        long n = query.size(0);
        long lq = query.size(1);
        long headDim = valueDim / numHeads;
        Tensor value = StageTimer.time("interactions/deform/value_proj", () -> valueProj.forward(feat)); // (N, HW, M·D)
        Tensor offsets = StageTimer.time("interactions/deform/offset_linear", () -> samplingOffsets.forward(query));
        Tensor logits = StageTimer.time("interactions/deform/weight_linear", () -> attentionWeights.forward(query));
        Tensor out = StageTimer.time("interactions/deform/sampling", () ->
                DeformableSampling.applies(query, n * h * w * numHeads, n * lq * numHeads, numPoints)
                        ? DeformableSampling.sample(value.view(n, h * w, numHeads, headDim),
                                offsets.view(n, lq, numHeads, numPoints, 2),
                                F.softmax(logits.view(n, lq, numHeads, numPoints), -1),
                                reference.view(reference.size(0), lq, 2), (int) h, (int) w)
                        : sampleWithTensorOps(value, offsets, logits, reference, n, lq, headDim, h, w));
        return StageTimer.time("interactions/deform/output_proj", () -> outputProj.forward(out));
    }

    /** The reference's PyTorch path, op for op (differentiable; any device). Returns (N, Lq, M·D). */
    private Tensor sampleWithTensorOps(Tensor value, Tensor offsetsFlat, Tensor logits, Tensor reference,
            long n, long lq, long headDim, long h, long w) {
        // (N, HW, M·D) → (N·M, D, H, W)
        Tensor grid2d = value.view(n, h * w, numHeads, headDim).flatten(2, -1).transpose(1, 2).reshape(n * numHeads, headDim, h, w);
        Tensor offsets = offsetsFlat.view(n, lq, numHeads, numPoints, 2);
        Tensor weights = F.softmax(logits.view(n, lq, numHeads, numPoints), -1);
        // locations = ref + offset / (W, H); grid = 2·loc − 1
        Tensor normalizer = Devices.onDeviceOf(io.piip4j.tensor.Tensors.fromFloats(new float[] {w, h}, 2), offsets);
        Tensor ref = Devices.onDeviceOf(reference, offsets);
        Tensor loc = ref.view(ref.size(0), lq, 1, 1, 2).add(offsets.div(normalizer));
        Tensor grid = F.add(F.mul(loc, 2.0), -1.0).transpose(1, 2).flatten(0, 1); // (N·M, Lq, P, 2)
        Tensor sampled = F.gridSample(grid2d, grid); // (N·M, D, Lq, P)
        Tensor attn = weights.transpose(1, 2).reshape(n * numHeads, 1, lq, numPoints);
        return sampled.mul(attn).sum(new long[] {-1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                .view(n, numHeads * headDim, lq).transpose(1, 2);
    }
}
