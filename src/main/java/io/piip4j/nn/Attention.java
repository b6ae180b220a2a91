package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Global multi-head self-attention of ViT blocks ({@code attn.qkv}, {@code attn.proj}), with the
 * optional q/k normalisation of InternViT ({@code attn.q_norm}, {@code attn.k_norm}, applied over
 * all heads at once as the reference does). The product runs through the engine's fused kernel.
 */
public class Attention extends Module {
    private final int numHeads;
    final Linear qkv;
    final Linear proj;
    private final Norm qNorm;
    private final Norm kNorm;

    /** The state-dict names of the two projections: timm's, or {@code nn.MultiheadAttention}'s (Uni-Perceiver). */
    public record ProjectionNames(String qkv, String proj) {
        public static final ProjectionNames TIMM = new ProjectionNames("qkv", "proj");
        public static final ProjectionNames IN_OUT = new ProjectionNames("in_proj", "out_proj");
    }

    public Attention(long dim, int numHeads, boolean qkvBias, String qkNormType, double normEps) {
        this(dim, numHeads, qkvBias, qkNormType, normEps, ProjectionNames.TIMM);
    }

    public Attention(long dim, int numHeads, boolean qkvBias, String qkNormType, double normEps, ProjectionNames names) {
        if (dim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dim " + dim + " is not divisible by num_heads " + numHeads);
        }
        this.numHeads = numHeads;
        this.qkv = child(names.qkv(), new Linear(dim, dim * 3, qkvBias));
        this.proj = child(names.proj(), new Linear(dim, dim));
        if (qkNormType != null) {
            this.qNorm = (Norm) child("q_norm", Norm.create(qkNormType, dim, normEps));
            this.kNorm = (Norm) child("k_norm", Norm.create(qkNormType, dim, normEps));
        } else {
            this.qNorm = null;
            this.kNorm = null;
        }
    }

    /** x: (B, N, C) tokens of an h×w grid (the grid matters only to windowed attention). */
    public Tensor forward(Tensor x, long h, long w) {
        return forward(x);
    }

    /** x: (B, N, C) → (B, N, C). */
    public Tensor forward(Tensor x) {
        long b = x.size(0);
        long n = x.size(1);
        long c = x.size(2);
        Tensor out = attend(qkv.forward(x), b, n, c);
        return proj.forward(out);
    }

    /**
     * Attention over already-projected qkv (B, N, 3C) → (B, N, C), before the output projection;
     * shared with windowed attention, which feeds windows as the batch.
     */
    Tensor attend(Tensor qkvOut, long b, long n, long c) {
        long d = c / numHeads;
        TensorVector parts = qkvOut.reshape(b, n, 3, numHeads, d).permute(2, 0, 3, 1, 4).unbind(0);
        Tensor q = parts.get(0);
        Tensor k = parts.get(1);
        Tensor v = parts.get(2);
        if (qNorm != null) {
            q = qNorm.forward(q.transpose(1, 2).flatten(-2, -1)).view(b, n, numHeads, d).transpose(1, 2);
            k = kNorm.forward(k.transpose(1, 2).flatten(-2, -1)).view(b, n, numHeads, d).transpose(1, 2);
        }
        return F.attention(q, k, v).transpose(1, 2).reshape(b, n, c);
    }
}
