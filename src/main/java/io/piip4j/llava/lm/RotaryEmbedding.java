package io.piip4j.llava.lm;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * LLaMA's rotary position embedding, Hugging Face's default kind: inverse frequencies
 * {@code 1 / θ^(2i/d)} in float32, angles {@code position · freq} repeated over both halves of the
 * head dimension, and the half-split rotation {@code x·cos + rotate_half(x)·sin} with
 * {@code rotate_half(x) = (-x₂, x₁)}.
 */
public final class RotaryEmbedding {
    private final long headDim;
    private final double theta;
    /** Frequencies given instead of θ's (headDim/2 values), or null. */
    private final float[] inverseFrequencies;

    public RotaryEmbedding(long headDim, double theta) {
        this(headDim, theta, null);
    }

    private RotaryEmbedding(long headDim, double theta, float[] inverseFrequencies) {
        this.headDim = headDim;
        this.theta = theta;
        this.inverseFrequencies = inverseFrequencies;
    }

    /**
     * The same embedding with explicit inverse frequencies (the model's {@code inv_freq} buffer
     * where it differs from θ's, e.g. a reference model whose buffer was altered).
     */
    public RotaryEmbedding withInverseFrequencies(float[] invFreq) {
        if (invFreq.length != headDim / 2) {
            throw new IllegalArgumentException("expected " + headDim / 2 + " inverse frequencies, got " + invFreq.length);
        }
        return new RotaryEmbedding(headDim, theta, invFreq.clone());
    }

    /** cos and sin of positions {@code start … start+n-1}, each (1, 1, n, headDim) float32. */
    public Tensor[] cosSin(long start, long n) {
        Tensor invFreq;
        if (inverseFrequencies != null) {
            invFreq = io.piip4j.tensor.Tensors.fromFloats(inverseFrequencies, inverseFrequencies.length);
        } else {
            Tensor exps = torch.arange(new Scalar(0), new Scalar(headDim), new Scalar(2)).to(ScalarType.Float).div(new Scalar((double) headDim));
            invFreq = torch.pow(new Scalar(theta), exps).reciprocal();
        }
        Tensor pos = torch.arange(new Scalar(start), new Scalar(start + n), new TensorOptions(ScalarType.Long)).to(ScalarType.Float);
        Tensor freqs = pos.unsqueeze(1).mul(invFreq.unsqueeze(0));
        Tensor emb = F.cat(-1, freqs, freqs).view(1, 1, n, headDim);
        return new Tensor[] {emb.cos(), emb.sin()};
    }

    /** Rotates (B, heads, n, headDim) by the angles of {@link #cosSin}, in x's type. */
    public static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long half = x.size(-1) / 2;
        Tensor x1 = F.slice(x, -1, 0, half);
        Tensor x2 = F.slice(x, -1, half, x.size(-1));
        Tensor rotated = F.cat(-1, x2.neg(), x1);
        Tensor c = F.like(cos, x);
        Tensor s = F.like(sin, x);
        return x.mul(c).add(rotated.mul(s));
    }
}
