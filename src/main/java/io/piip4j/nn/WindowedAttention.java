package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * Self-attention inside non-overlapping windows of the token grid. Grids not divisible by the
 * window are zero-padded at the bottom/right and the padding is not masked, as in the reference;
 * where the zeros go differs between the reference's two implementations, so both are kept:
 * DeiT-style branches pad the projected q/k/v ({@link Padding#AFTER_QKV}), InternViT-style
 * branches pad the tokens before the projection ({@link Padding#BEFORE_QKV}, so padded keys carry
 * the qkv bias).
 */
public final class WindowedAttention extends Attention {
    public enum Padding {
        AFTER_QKV,
        BEFORE_QKV
    }

    private final int windowSize;
    private final Padding padding;

    public WindowedAttention(long dim, int numHeads, boolean qkvBias, String qkNormType, double normEps,
            int windowSize, Padding padding) {
        this(dim, numHeads, qkvBias, qkNormType, normEps, windowSize, padding, ProjectionNames.TIMM);
    }

    public WindowedAttention(long dim, int numHeads, boolean qkvBias, String qkNormType, double normEps,
            int windowSize, Padding padding, ProjectionNames names) {
        super(dim, numHeads, qkvBias, qkNormType, normEps, names);
        this.windowSize = windowSize;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x, long h, long w) {
        long b = x.size(0);
        long c = x.size(2);
        long ws = windowSize;
        long hp = (h + ws - 1) / ws * ws;
        long wp = (w + ws - 1) / ws * ws;
        Tensor grid;
        if (padding == Padding.BEFORE_QKV) {
            grid = qkv.forward(F.pad(x.view(b, h, w, c), 0, 0, 0, wp - w, 0, hp - h));
        } else {
            grid = F.pad(qkv.forward(x).view(b, h, w, 3 * c), 0, 0, 0, wp - w, 0, hp - h);
        }
        long nh = hp / ws;
        long nw = wp / ws;
        Tensor windows = grid.view(b, nh, ws, nw, ws, 3 * c).permute(0, 1, 3, 2, 4, 5).reshape(b * nh * nw, ws * ws, 3 * c);
        Tensor out = attend(windows, b * nh * nw, ws * ws, c)
                .view(b, nh, nw, ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, c);
        out = F.slice(F.slice(out, 1, 0, h), 2, 0, w).reshape(b, h * w, c);
        return proj.forward(out);
    }
}
