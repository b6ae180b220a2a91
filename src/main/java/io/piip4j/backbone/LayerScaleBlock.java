package io.piip4j.backbone;

import io.piip4j.nn.Attention;
import io.piip4j.nn.WindowedAttention;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Mlp;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
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

    public LayerScaleBlock(long dim, int heads, long mlpHidden, boolean qkvBias, int windowSize) {
        this.gamma1 = parameter("gamma_1", dim);
        this.gamma2 = parameter("gamma_2", dim);
        this.norm1 = child("norm1", new LayerNorm(dim, 1e-6));
        this.attn = child("attn", windowSize > 0
                ? new WindowedAttention(dim, heads, qkvBias, null, 1e-6, windowSize, WindowedAttention.Padding.AFTER_QKV)
                : new Attention(dim, heads, qkvBias, null, 1e-6));
        this.norm2 = child("norm2", new LayerNorm(dim, 1e-6));
        this.mlp = child("mlp", new Mlp(dim, mlpHidden));
    }

    @Override
    public Tensor forward(Tensor x, long h, long w) {
        Tensor a = attn.forward(norm1.forward(x), h, w);
        x = x.add(gamma1.get().mul(a));
        return x.add(gamma2.get().mul(mlp.forward(norm2.forward(x))));
    }
}
