package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * The interaction unit's feed-forward network: fc1 → 3×3 depthwise conv over the token grid →
 * GELU → fc2 ({@code ffn.fc1}, {@code ffn.dwconv.dwconv}, {@code ffn.fc2}).
 */
public final class ConvFFN extends Module {
    private final Linear fc1;
    private final DWConv dwconv;
    private final Linear fc2;

    public ConvFFN(long dim, long hidden) {
        this.fc1 = child("fc1", new Linear(dim, hidden));
        this.dwconv = child("dwconv", new DWConv(hidden));
        this.fc2 = child("fc2", new Linear(hidden, dim));
    }

    public Tensor forward(Tensor x, long h, long w) {
        return hooked() ? call(FORWARD, () -> feedForward(x, h, w)) : feedForward(x, h, w);
    }

    private Tensor feedForward(Tensor x, long h, long w) {
        return fc2.forward(F.gelu(dwconv.forward(fc1.forward(x), h, w)));
    }

    /** Depthwise 3×3 convolution applied to tokens laid out as an H×W grid. */
    static final class DWConv extends Module {
        private final Conv2d dwconv;

        DWConv(long dim) {
            this.dwconv = child("dwconv", new Conv2d(dim, dim, 3, 1, 1, dim, true));
        }

        Tensor forward(Tensor x, long h, long w) {
            long b = x.size(0);
            long c = x.size(2);
            // tokens (B, H·W, C) already are a channels-last image: convolve them in place of the
            // reference's transpose-and-copy to (B, C, H, W), and read the result back as tokens
            Tensor grid = x.contiguous().view(b, h, w, c).permute(0, 3, 1, 2);
            return dwconv.forward(grid).permute(0, 2, 3, 1).reshape(b, h * w, c);
        }
    }
}
