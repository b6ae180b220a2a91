package io.piip4j.llava.lm;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Hugging Face's {@code LlamaAttention} (eager): bias-free q/k/v/o projections, rotary
 * embedding on q and k, grouped-query attention (each key/value head serves
 * {@code heads / kv_heads} query heads), causal over the cache and the new tokens; the softmax in
 * float32 as the reference computes it.
 */
public final class LlamaAttention extends Module {
    private final int heads;
    private final int kvHeads;
    private final long headDim;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;

    public LlamaAttention(LlamaConfig cfg) {
        this.heads = cfg.numAttentionHeads();
        this.kvHeads = cfg.numKeyValueHeads();
        this.headDim = cfg.headDim();
        this.q = child("q_proj", new Linear(cfg.hiddenSize(), heads * headDim, false));
        this.k = child("k_proj", new Linear(cfg.hiddenSize(), kvHeads * headDim, false));
        this.v = child("v_proj", new Linear(cfg.hiddenSize(), kvHeads * headDim, false));
        this.o = child("o_proj", new Linear(heads * headDim, cfg.hiddenSize(), false));
    }

    /**
     * @param x        (B, n, hidden) new tokens at positions {@code cache.length() …}
     * @param cos      rotary angles of those positions
     * @param cache    the keys and values so far (this layer's entry is extended)
     */
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KvCache cache, int layer) {
        long b = x.size(0);
        long n = x.size(1);
        long past = cache.length();
        Tensor qh = RotaryEmbedding.apply(q.forward(x).view(b, n, heads, headDim).transpose(1, 2), cos, sin);
        Tensor kh = RotaryEmbedding.apply(k.forward(x).view(b, n, kvHeads, headDim).transpose(1, 2), cos, sin);
        Tensor vh = v.forward(x).view(b, n, kvHeads, headDim).transpose(1, 2);
        Tensor[] kv = cache.append(layer, kh, vh);
        Tensor keys = repeatKv(kv[0]);
        Tensor values = repeatKv(kv[1]);
        ScalarType type = qh.scalar_type();
        Tensor scores = matmul(qh, keys.transpose(2, 3)).mul(new Scalar(1.0 / Math.sqrt(headDim)));
        if (n > 1) {
            scores = scores.add(F.like(causalMask(n, past), scores));
        }
        Tensor weights = torch.softmax(scores, -1, new ScalarTypeOptional(ScalarType.Float)).to(type);
        Tensor out = matmul(weights, F.like(values, weights)).transpose(1, 2).reshape(b, n, heads * headDim);
        return o.forward(out);
    }

    /** Products in the operands' type; bfloat16 is widened to float32 on CPUs without bfloat16 kernels (via F). */
    private static Tensor matmul(Tensor a, Tensor b) {
        return F.like(a, b).matmul(b);
    }

    /** (B, kv, T, d) to (B, heads, T, d): kv head j serves query heads j·r … j·r+r-1, as {@code repeat_kv}. */
    private Tensor repeatKv(Tensor t) {
        int rep = heads / kvHeads;
        return rep == 1 ? t : t.repeat_interleave(rep, new org.bytedeco.pytorch.LongOptional(1), new org.bytedeco.pytorch.LongOptional());
    }

    /** (1, 1, n, past+n): 0 where query i may see key j (j ≤ past + i), −∞ elsewhere. */
    static Tensor causalMask(long n, long past) {
        long total = past + n;
        float[] m = new float[Math.toIntExact(n * total)];
        for (int i = 0; i < n; i++) {
            for (long j = past + i + 1; j < total; j++) {
                m[(int) (i * total + j)] = Float.NEGATIVE_INFINITY;
            }
        }
        return Tensors.fromFloats(m, 1, 1, n, total);
    }
}
