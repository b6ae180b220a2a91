package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * Plain multi-head cross-attention of the interaction units ({@code interact_attn_type: normal}):
 * queries from one branch, keys/values from its neighbour ({@code wq}, {@code wk}, {@code wv}
 * without bias, {@code proj}).
 */
public final class CrossAttention extends Module {
    private final int numHeads;
    private final Linear wq;
    private final Linear wk;
    private final Linear wv;
    private final Linear proj;

    public CrossAttention(long dim, int numHeads, long dimFeat) {
        this.numHeads = numHeads;
        this.wq = child("wq", new Linear(dim, dim, false));
        this.wk = child("wk", new Linear(dimFeat, dim, false));
        this.wv = child("wv", new Linear(dimFeat, dim, false));
        this.proj = child("proj", new Linear(dim, dim));
    }

    public Tensor forward(Tensor xq, Tensor xkv) {
        long b = xq.size(0);
        long nq = xq.size(1);
        long c = wq.out;
        long nkv = xkv.size(1);
        long d = c / numHeads;
        Tensor q = wq.forward(xq).reshape(b, nq, numHeads, d).permute(0, 2, 1, 3);
        Tensor k = wk.forward(xkv).reshape(b, nkv, numHeads, d).permute(0, 2, 1, 3);
        Tensor v = wv.forward(xkv).reshape(b, nkv, numHeads, d).permute(0, 2, 1, 3);
        return proj.forward(F.attention(q, k, v).transpose(1, 2).reshape(b, nq, c));
    }
}
