package io.piip4j.backbone.branch;

import io.piip4j.nn.Attention;
import io.piip4j.nn.DropPath;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Mlp;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.WindowedAttention;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * DeiT III's block with layer scale ({@code Layer_scale_init_Block}):
 * {@code x + γ₁·attn(norm1(x))}, then {@code x + γ₂·mlp(norm2(x))}.
 */
public final class LayerScaleBlock extends Module implements TokenBlock {
    private final Parameter gamma1;
    private final Parameter gamma2;
    private final LayerNorm norm1;
    private final Attention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private double dropPath;

    public LayerScaleBlock(long dim, int heads, long mlpHidden, boolean qkvBias, int windowSize) {
        this(dim, heads, mlpHidden, qkvBias, windowSize, WindowedAttention.Padding.AFTER_QKV, false);
    }

    /**
     * @param padding  where a windowed block pads a grid not divisible by the window: the reference's
     *                 plain implementation pads q/k/v ({@code AFTER_QKV}), its flash-attention one
     *                 ({@code use_flash_attn}) the tokens ({@code BEFORE_QKV})
     * @param tanhGelu the {@code fused_mlp} MLP's approximate GELU
     */
    public LayerScaleBlock(long dim, int heads, long mlpHidden, boolean qkvBias, int windowSize,
            WindowedAttention.Padding padding, boolean tanhGelu) {
        this.gamma1 = parameter("gamma_1", dim);
        this.gamma2 = parameter("gamma_2", dim);
        this.norm1 = child("norm1", new LayerNorm(dim, 1e-6));
        this.attn = child("attn", windowSize > 0
                ? new WindowedAttention(dim, heads, qkvBias, null, 1e-6, windowSize, padding)
                : new Attention(dim, heads, qkvBias, null, 1e-6));
        this.norm2 = child("norm2", new LayerNorm(dim, 1e-6));
        this.mlp = child("mlp", new Mlp(dim, mlpHidden, tanhGelu));
    }

    /** The block's stochastic-depth rate ({@code drop_path}), active in training mode only. */
    @Override
    public void setDropPath(double rate) {
        this.dropPath = rate;
    }

    @Override
    public Tensor forward(Tensor x, long h, long w) {
        x = residual(x, gamma1, attn.forward(norm1.forward(x), h, w));
        return residual(x, gamma2, mlp.forward(norm2.forward(x)));
    }

    /** {@code x + drop_path(gamma · y)}; one fused pass when no path is dropped. */
    private Tensor residual(Tensor x, Parameter gamma, Tensor y) {
        if (dropPath > 0 && isTraining()) {
            return x.add(DropPath.apply(gamma.get().mul(y), dropPath, true));
        }
        return F.addScaled(x, gamma.get(), y);
    }
}
