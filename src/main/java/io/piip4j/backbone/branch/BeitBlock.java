package io.piip4j.backbone.branch;

import io.piip4j.nn.DropPath;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Mlp;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * BEiT's block ({@code beit.py Block}): {@code x + γ₁·attn(norm1(x))}, then
 * {@code x + γ₂·mlp(norm2(x))}, the layer scales {@code gamma_1/gamma_2} present only when
 * {@code init_values} is set.
 */
public final class BeitBlock extends Module implements TokenBlock {
    private final LayerNorm norm1;
    private final BeitAttention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private final Parameter gamma1;
    private final Parameter gamma2;
    private double dropPath;

    public BeitBlock(long dim, int heads, long mlpHidden, boolean qkvBias, boolean layerScale, int window, boolean windowed) {
        this.norm1 = child("norm1", new LayerNorm(dim, 1e-6));
        this.attn = child("attn", new BeitAttention(dim, heads, qkvBias, window, windowed));
        this.norm2 = child("norm2", new LayerNorm(dim, 1e-6));
        this.mlp = child("mlp", new Mlp(dim, mlpHidden));
        this.gamma1 = layerScale ? parameter("gamma_1", dim) : null;
        this.gamma2 = layerScale ? parameter("gamma_2", dim) : null;
    }

    @Override
    public void setDropPath(double rate) {
        this.dropPath = rate;
    }

    @Override
    public Tensor forward(Tensor x, long h, long w) {
        x = residual(x, gamma1, attn.forward(norm1.forward(x), h, w));
        return residual(x, gamma2, mlp.forward(norm2.forward(x)));
    }

    /** {@code x + drop_path(γ·y)} (or {@code x + drop_path(y)} without layer scale). */
    private Tensor residual(Tensor x, Parameter gamma, Tensor y) {
        if (dropPath > 0 && isTraining()) {
            return x.add(DropPath.apply(gamma == null ? y : gamma.get().mul(y), dropPath, true));
        }
        return gamma == null ? x.add(y) : F.addScaled(x, gamma.get(), y);
    }
}
