package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code torch.nn.MultiheadAttention} (equal q/k/v widths, no masks) on batch-first inputs:
 * {@code in_proj_weight} (3E × E) and {@code in_proj_bias} stacked q, k, v, and {@code out_proj}.
 */
public final class MultiheadAttention extends Module {
    private final long dim;
    private final int numHeads;
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;

    public MultiheadAttention(long dim, int numHeads) {
        if (dim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dims " + dim + " is not divisible by num_heads " + numHeads);
        }
        this.dim = dim;
        this.numHeads = numHeads;
        this.inProjWeight = parameter("in_proj_weight", 3 * dim, dim);
        this.inProjBias = parameter("in_proj_bias", 3 * dim);
        this.outProj = child("out_proj", new Linear(dim, dim));
    }

    /**
     * @param query (N, Lq, E)
     * @param key   (N, Lk, E)
     * @param value (N, Lk, E)
     * @return (N, Lq, E)
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        Tensor q = heads(project(query, 0));
        Tensor k = heads(project(key, 1));
        Tensor v = heads(project(value, 2));
        Tensor out = F.attention(q, k, v); // (N, heads, Lq, D)
        return outProj.forward(out.transpose(1, 2).reshape(query.size(0), query.size(1), dim));
    }

    /** The {@code part}-th (q, k, v) block of the packed input projection. */
    private Tensor project(Tensor x, int part) {
        return F.linear(x, inProjWeight.get().narrow(0, part * dim, dim), inProjBias.get().narrow(0, part * dim, dim));
    }

    private Tensor heads(Tensor x) {
        return x.view(x.size(0), x.size(1), numHeads, dim / numHeads).transpose(1, 2);
    }
}
