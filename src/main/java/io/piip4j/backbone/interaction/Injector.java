package io.piip4j.backbone.interaction;

import io.piip4j.nn.ConvFFN;
import io.piip4j.nn.CrossAttention;
import io.piip4j.nn.DropPath;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * One direction of an interaction unit: the query branch attends to its neighbour's features
 * (deformable or plain cross-attention) and adds the result scaled by {@code ca_gamma}; an optional
 * ConvFFN follows, scaled by {@code cffn_gamma}. With {@code norm_layer: "none"} (the InternViT-6B
 * configs) the query / feature / FFN norms are identities and have no weights.
 */
public final class Injector extends Module {
    /** The step of the residual additions, for forward hooks. */
    public static final String RESIDUAL = "residual";

    private final Parameter caGamma;
    private final Parameter cffnGamma;
    private final LayerNorm queryNorm;
    private final LayerNorm featNorm;
    private final MSDeformAttn deformAttn;
    private final CrossAttention crossAttn;
    private final ConvFFN ffn;
    private final LayerNorm ffnNorm;
    /** {@code interaction_drop_path_rate}: stochastic depth on the ConvFFN branch, as the reference. */
    private double dropPath;

    public Injector(long dim, long dimFeat, String attnType, int numHeads, int nPoints, double deformRatio,
            boolean withCffn, double cffnRatio, boolean withNorm) {
        this(dim, dimFeat, attnType, numHeads, nPoints, deformRatio, withCffn, cffnRatio, withNorm, ScaleNames.GAMMA);
    }

    public Injector(long dim, long dimFeat, String attnType, int numHeads, int nPoints, double deformRatio,
            boolean withCffn, double cffnRatio, boolean withNorm, ScaleNames scales) {
        this.caGamma = parameter(scales.attention(), dim);
        this.cffnGamma = withCffn ? parameter(scales.ffn(), dim) : null;
        this.queryNorm = withNorm ? child("query_norm", new LayerNorm(dim, 1e-6)) : null;
        this.featNorm = withNorm ? child("feat_norm", new LayerNorm(dimFeat, 1e-6)) : null;
        if (attnType.equals("deform")) {
            this.deformAttn = child("attn", new MSDeformAttn(dim, numHeads, nPoints, deformRatio, dimFeat));
            this.crossAttn = null;
        } else {
            this.crossAttn = child("attn", new CrossAttention(dim, numHeads, dimFeat));
            this.deformAttn = null;
        }
        if (withCffn) {
            this.ffn = child("ffn", new ConvFFN(dim, (long) (dim * cffnRatio)));
            this.ffnNorm = withNorm ? child("ffn_norm", new LayerNorm(dim, 1e-6)) : null;
        } else {
            this.ffn = null;
            this.ffnNorm = null;
        }
    }

    /** Sets the stochastic-depth rate of the ConvFFN residual (training mode only). */
    public void setDropPath(double rate) {
        this.dropPath = rate;
    }

    /**
     * @param query tokens (B, H·W, C) of the receiving branch, on an h×w grid
     * @param feat  the neighbour's (projected) tokens
     * @param where reference points and the neighbour's grid; null for plain cross-attention
     */
    public Tensor forward(Tensor query, Tensor feat, DeformInputs where, long h, long w) {
        Tensor q = queryNorm == null ? query : queryNorm.forward(query);
        Tensor f = featNorm == null ? feat : featNorm.forward(feat);
        Tensor attn;
        if (deformAttn != null) {
            if (where.featH() * where.featW() != feat.size(1)) {
                throw new IllegalStateException("deformable attention expects a " + where.featH() + "x" + where.featW()
                        + " feature grid but got " + feat.size(1) + " tokens");
            }
            attn = deformAttn.forward(q, where.reference(), f, where.featH(), where.featW());
        } else {
            attn = crossAttn.forward(q, f);
        }
        // the step "residual" (the scaled additions) as hooks see it
        Tensor x = call(RESIDUAL, () -> F.addScaled(query, caGamma.get(), attn));
        if (ffn != null) {
            Tensor normed = ffnNorm == null ? x : ffnNorm.forward(x);
            Tensor y = ffn.forward(normed, h, w);
            return call(RESIDUAL, () -> dropPath > 0 && isTraining()
                    ? x.add(cffnGamma.get().mul(DropPath.apply(y, dropPath, true)))
                    : F.addScaled(x, cffnGamma.get(), y));
        }
        return x;
    }
}
