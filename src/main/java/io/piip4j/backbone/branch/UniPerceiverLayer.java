package io.piip4j.backbone.branch;

import io.piip4j.nn.Attention;
import io.piip4j.nn.DropPath;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.WindowedAttention;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * Uni-Perceiver's layer ({@code uniperceiver.py BertLayer}): self-attention with
 * {@code self_attn.in_proj/out_proj} (biases always; windowed attention pads the tokens before
 * the projection, padding unmasked), {@code linear1} → GELU → {@code linear2}, LayerNorms with eps
 * 1e-5, and layer scales {@code gamma_1/gamma_2}: {@code x + γ₁·attn(norm1(x))}, then
 * {@code x + γ₂·ffn(norm2(x))}.
 */
public final class UniPerceiverLayer extends Module implements TokenBlock {
    private final Attention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Parameter gamma1;
    private final Parameter gamma2;
    private double dropPath;

    public UniPerceiverLayer(long dim, int heads, long hidden, int windowSize) {
        this.selfAttn = child("self_attn", windowSize > 0
                ? new WindowedAttention(dim, heads, true, null, 1e-5, windowSize, WindowedAttention.Padding.BEFORE_QKV,
                        Attention.ProjectionNames.IN_OUT)
                : new Attention(dim, heads, true, null, 1e-5, Attention.ProjectionNames.IN_OUT));
        this.linear1 = child("linear1", new Linear(dim, hidden));
        this.linear2 = child("linear2", new Linear(hidden, dim));
        this.norm1 = child("norm1", new LayerNorm(dim, 1e-5));
        this.norm2 = child("norm2", new LayerNorm(dim, 1e-5));
        this.gamma1 = parameter("gamma_1", dim);
        this.gamma2 = parameter("gamma_2", dim);
    }

    @Override
    public void setDropPath(double rate) {
        this.dropPath = rate;
    }

    @Override
    public Tensor forward(Tensor x, long h, long w) {
        x = residual(x, gamma1, selfAttn.forward(norm1.forward(x), h, w));
        return residual(x, gamma2, linear2.forward(linear1.forwardGelu(norm2.forward(x), false)));
    }

    /** {@code x + γ·drop_path(y)}. */
    private Tensor residual(Tensor x, Parameter gamma, Tensor y) {
        if (dropPath > 0 && isTraining()) {
            return x.add(gamma.get().mul(DropPath.apply(y, dropPath, true)));
        }
        return F.addScaled(x, gamma.get(), y);
    }
}
