package io.piip4j.llava.tower;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** Hugging Face {@code CLIPAttention}: separate biased q/k/v projections, scale head_dim^-½, {@code out_proj}. */
public final class ClipAttention extends Module {
    private final int heads;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    public ClipAttention(long dim, int heads) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("hidden size " + dim + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.k = child("k_proj", new Linear(dim, dim));
        this.v = child("v_proj", new Linear(dim, dim));
        this.q = child("q_proj", new Linear(dim, dim));
        this.out = child("out_proj", new Linear(dim, dim));
    }

    public Tensor forward(Tensor x) {
        long b = x.size(0);
        long n = x.size(1);
        long c = x.size(2);
        long d = c / heads;
        Tensor qh = q.forward(x).view(b, n, heads, d).transpose(1, 2);
        Tensor kh = k.forward(x).view(b, n, heads, d).transpose(1, 2);
        Tensor vh = v.forward(x).view(b, n, heads, d).transpose(1, 2);
        Tensor o = F.attention(qh, kh, vh).transpose(1, 2).reshape(b, n, c);
        return out.forward(o);
    }
}
