package io.piip4j.nn;

import io.piip4j.tensor.F;
import io.piip4j.tensor.OneDnn;
import io.piip4j.tensor.ProductPaths;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.ConvTranspose2d(in, out, k, stride)} without padding: weight (in × out × k × k), bias. */
public final class ConvTranspose2d extends Module {
    private final long stride;
    private final long kernel;
    private final long out;
    private final Parameter weight;
    private final Parameter bias;
    /**
     * With kernel = stride the kernel windows do not overlap: each input pixel becomes a k×k block of
     * output pixels, a linear product over channels. At inference on CPU that product runs on oneDNN
     * with the weight packed as its (k·k·out, in) matrix, rows ordered (ky, kx, out).
     */
    private final PackedWeight packed;

    public ConvTranspose2d(long in, long out, long kernel, long stride) {
        this.stride = stride;
        this.kernel = kernel;
        this.out = out;
        this.weight = parameter("weight", in, out, kernel, kernel);
        this.bias = parameter("bias", out);
        this.packed = new PackedWeight(weight,
                w -> w.permute(2, 3, 1, 0).reshape(kernel * kernel * out, in),
                m -> m.view(kernel, kernel, out, in).permute(3, 2, 0, 1));
    }

    /** Inference only: once packed, keep just the packed weight (see {@link Linear#keepOnlyPackedWeight}). */
    public void keepOnlyPackedWeight() {
        packed.keepOnlyPacked(true);
    }

    @Override
    protected void releaseDerived() {
        packed.release();
    }

    /** x: (N, C, H, W) → (N, out, H·stride, W·stride); a fast path's result is laid out channels-last. */
    public Tensor forward(Tensor x) {
        if (kernel == stride && ProductPaths.packingNow() && !x.is_cuda()) {
            long n = x.size(0);
            long h = x.size(2);
            long w = x.size(3);
            Tensor p = packed.forInference(n * h * w);
            if (p != null) {
                Tensor pixels = x.permute(0, 2, 3, 1); // (N, H, W, C): no copy when x is channels-last
                Tensor blocks = OneDnn.linear(F.like(pixels, p), p, bias.get().to(p.scalar_type()).repeat(kernel * kernel));
                // (N, H, W, ky, kx, out) → (N, H, ky, W, kx, out) = channels-last (N, H·k, W·k, out)
                return packed.inPlainType(blocks).view(n, h, w, kernel, kernel, out).permute(0, 1, 3, 2, 4, 5)
                        .reshape(n, h * kernel, w * kernel, out).permute(0, 3, 1, 2);
            }
        }
        return F.convTranspose2d(x, weight.get(), bias.get(), stride);
    }
}
