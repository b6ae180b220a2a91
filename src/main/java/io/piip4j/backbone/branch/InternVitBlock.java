package io.piip4j.backbone.branch;

import io.piip4j.nn.Attention;
import io.piip4j.nn.DropPath;
import io.piip4j.nn.Mlp;
import io.piip4j.nn.Module;
import io.piip4j.nn.Norm;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.WindowedAttention;
import org.bytedeco.pytorch.Tensor;

/**
 * InternViT's block (also carries AugReg, MAE and DINOv2 weights): LayerNorm or RMSNorm, optional
 * q/k normalisation, optional layer scale ({@code ls1.gamma}, {@code ls2.gamma}).
 */
public final class InternVitBlock extends Module implements TokenBlock {
    private final Norm norm1;
    private final Attention attn;
    private final LayerScale ls1;
    private final Norm norm2;
    private final Mlp mlp;
    private final LayerScale ls2;
    private double dropPath;

    public InternVitBlock(long dim, int heads, long mlpHidden, boolean qkvBias, String normType, boolean qkNorm,
            Double initValues, int windowSize) {
        this(dim, heads, mlpHidden, qkvBias, normType, qkNorm, initValues, windowSize, false);
    }

    /** @param tanhGelu the {@code mlp_type: fused_mlp} MLP's approximate GELU */
    public InternVitBlock(long dim, int heads, long mlpHidden, boolean qkvBias, String normType, boolean qkNorm,
            Double initValues, int windowSize, boolean tanhGelu) {
        this.norm1 = (Norm) child("norm1", Norm.create(normType, dim, 1e-6));
        String qk = qkNorm ? normType : null;
        this.attn = child("attn", windowSize > 0
                ? new WindowedAttention(dim, heads, qkvBias, qk, 1e-6, windowSize, WindowedAttention.Padding.BEFORE_QKV)
                : new Attention(dim, heads, qkvBias, qk, 1e-6));
        this.ls1 = initValues != null ? child("ls1", new LayerScale(dim)) : null;
        this.norm2 = (Norm) child("norm2", Norm.create(normType, dim, 1e-6));
        this.mlp = child("mlp", new Mlp(dim, mlpHidden, tanhGelu));
        this.ls2 = initValues != null ? child("ls2", new LayerScale(dim)) : null;
    }

    /** The block's stochastic-depth rate ({@code drop_path}), active in training mode only. */
    @Override
    public void setDropPath(double rate) {
        this.dropPath = rate;
    }

    @Override
    public Tensor forward(Tensor x, long h, long w) {
        Tensor a = attn.forward(norm1.forward(x), h, w);
        x = x.add(DropPath.apply(ls1 == null ? a : ls1.forward(a), dropPath, isTraining()));
        Tensor m = mlp.forward(norm2.forward(x));
        return x.add(DropPath.apply(ls2 == null ? m : ls2.forward(m), dropPath, isTraining()));
    }

    /** Per-channel scaling of a residual branch ({@code gamma}). */
    static final class LayerScale extends Module {
        private final Parameter gamma;

        LayerScale(long dim) {
            this.gamma = parameter("gamma", dim);
        }

        Tensor forward(Tensor x) {
            return x.mul(gamma.get());
        }
    }
}
