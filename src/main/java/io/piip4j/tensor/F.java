package io.piip4j.tensor;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRef;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * The functional operations the models use, named as in {@code torch.nn.functional}, over
 * libtorch's kernels. One thin layer so model code reads like the reference, not like JNI.
 */
public final class F {
    private F() {
    }

    static TensorOptional opt(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t);
    }

    /**
     * Mixed precision follows {@code torch.autocast}: matrix products run in the type of their
     * weights (bfloat16 after {@code MixedPrecision.toBfloat16}), while norms, sampling and
     * interpolation run in float32 on float32 weights; so an input is cast to the weight's type.
     */
    public static Tensor like(Tensor x, Tensor weight) {
        return x.scalar_type().value == weight.scalar_type().value ? x : x.to(weight.scalar_type());
    }

    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (ProductPaths.widens(weight)) {
            return linear(wide(x), wide(weight), wide(bias)).to(ScalarType.BFloat16);
        }
        return torch.linear(like(x, weight), weight, opt(bias));
    }

    /**
     * An operand of a bfloat16 product widened to float32, where this CPU has no bfloat16 kernels
     * ({@link ProductPath#ONEDNN_WIDENED}): the product then runs on float32 kernels on the same
     * bfloat16 values, and its result is rounded back to bfloat16 as a bfloat16 kernel's would be.
     */
    private static Tensor wide(Tensor t) {
        return t == null || t.scalar_type().value == ScalarType.Float.value ? t : t.to(ScalarType.Float);
    }

    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return torch.layer_norm(weight == null ? x : like(x, weight), new long[] {x.size(-1)}, opt(weight), opt(bias), eps, false);
    }

    public static Tensor groupNorm(Tensor x, long groups, Tensor weight, Tensor bias, double eps) {
        return torch.group_norm(weight == null ? x : like(x, weight), groups, opt(weight), opt(bias), eps, false);
    }

    /** {@code F.batch_norm} in eval mode (running statistics), in float32. */
    public static Tensor batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, double eps) {
        return torch.batch_norm(like(x, weight), opt(weight), opt(bias), opt(runningMean), opt(runningVar), false, 0.1, eps, false);
    }

    /**
     * {@code F.batch_norm} in training mode: normalised by the batch's statistics, and the running
     * statistics updated in place ({@code (1 - momentum) · running + momentum · batch}, the variance unbiased).
     */
    public static Tensor batchNormTrain(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, double momentum,
            double eps) {
        return torch.batch_norm(x, opt(weight), opt(bias), opt(runningMean), opt(runningVar), true, momentum, eps, false);
    }

    /** {@code nn.Dropout2d(p)}: whole channels zeroed with probability {@code p}, the rest scaled by {@code 1 / (1 - p)}; identity unless training. */
    public static Tensor dropout2d(Tensor x, double p, boolean training) {
        return training && p > 0 ? torch.feature_dropout(x, p, true) : x;
    }

    /** {@code nn.AdaptiveAvgPool2d((size, size))}. */
    public static Tensor adaptiveAvgPool2d(Tensor x, long size) {
        return torch.adaptive_avg_pool2d(x, size, size);
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long groups) {
        if (ProductPaths.widens(weight)) {
            return conv2d(wide(x), wide(weight), wide(bias), stride, padding, groups).to(ScalarType.BFloat16);
        }
        return torch.conv2d(like(x, weight), weight, opt(bias), new long[] {stride, stride}, new long[] {padding, padding},
                new long[] {1, 1}, groups);
    }

    /**
     * {@code x + scale · y} in one pass (a layer-scaled residual), in x's type.
     */
    public static Tensor addScaled(Tensor x, Tensor scale, Tensor y) {
        // mixed types (a bfloat16 branch onto the float32 stream) would take TensorIterator's slow
        // casting loop: convert first, as the two-op form's promotion does
        return torch.addcmul(x, scale, like(y, x));
    }

    /** Exact (erf) GELU, as {@code nn.GELU()}. */
    public static Tensor gelu(Tensor x) {
        return torch.gelu(x);
    }

    /** Tanh-approximated GELU ({@code gelu_approx} of flash-attn's FusedMLP, the {@code fused_mlp} option). */
    public static Tensor geluTanh(Tensor x) {
        return torch.gelu(x, "tanh");
    }

    public static Tensor relu(Tensor x) {
        return torch.relu(x);
    }

    /** {@code nn.ConvTranspose2d} with square kernel and stride, no padding. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, long stride) {
        if (ProductPaths.widens(weight)) {
            return convTranspose2d(wide(x), wide(weight), wide(bias), stride).to(ScalarType.BFloat16);
        }
        return torch.conv_transpose2d(like(x, weight), weight, opt(bias), new long[] {stride, stride}, new long[] {0, 0},
                new long[] {0, 0}, 1, 1, 1);
    }

    /** {@code nn.MaxPool2d(kernel, stride)}: no padding, floor mode. */
    public static Tensor maxPool2d(Tensor x, long kernel, long stride) {
        return torch.max_pool2d(x, new long[] {kernel, kernel}, new long[] {stride, stride}, new long[] {0, 0},
                new long[] {1, 1}, false);
    }

    /** Softmax; a bfloat16 input is computed and returned in float32, as under autocast. */
    public static Tensor softmax(Tensor x, long dim) {
        return torch.softmax(x, dim, isReduced(x) ? new ScalarTypeOptional(ScalarType.Float) : new ScalarTypeOptional());
    }

    /**
     * Fused {@code softmax(q kᵀ · scale) v} (libtorch's scaled_dot_product_attention); the default
     * scale is head_dim^-½ as in the reference's attention layers.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v) {
        Tensor low = isReduced(q) ? q : isReduced(k) ? k : isReduced(v) ? v : null;
        if (low == null) {
            return torch.scaled_dot_product_attention(q, k, v);
        }
        // libtorch 2.10's fused CPU kernel is ~15x slower in bfloat16 than in float32 at ViT shapes
        // (PIIP-TSB's 530-token branch: 570 ms against 33 ms), so reduced precision takes the math
        // path autocast would: products in bfloat16 (oneDNN), the softmax in float32
        ScalarType type = low.scalar_type();
        Tensor scores = matmul(q.to(type).mul(new Scalar(1.0 / Math.sqrt(q.size(-1)))), k.to(type).transpose(-2, -1));
        Tensor weights = torch.softmax(scores, -1, new ScalarTypeOptional(ScalarType.Float)).to(type);
        return matmul(weights, v.to(type));
    }

    /**
     * {@code softmax(q kᵀ · scale + bias) v} with an additive bias broadcast over the scores
     * (BEiT's relative position bias, {@code (1, heads, N, N)}); float32 through the fused kernel,
     * reduced precision on the math path as {@link #attention(Tensor, Tensor, Tensor)}.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias) {
        Tensor low = isReduced(q) ? q : isReduced(k) ? k : isReduced(v) ? v : null;
        if (low == null) {
            return torch.scaled_dot_product_attention(q, k, v, opt(bias.to(q.scalar_type())), 0.0, false,
                    new DoubleOptional(), false);
        }
        ScalarType type = low.scalar_type();
        Tensor scores = matmul(q.to(type).mul(new Scalar(1.0 / Math.sqrt(q.size(-1)))), k.to(type).transpose(-2, -1));
        Tensor weights = torch.softmax(scores.to(ScalarType.Float).add(bias.to(ScalarType.Float)), -1,
                new ScalarTypeOptional(ScalarType.Float)).to(type);
        return matmul(weights, v.to(type));
    }

    /** {@code a · b} in their (common) type; bfloat16 widened where this CPU has no bfloat16 kernels. */
    private static Tensor matmul(Tensor a, Tensor b) {
        return ProductPaths.widens(a) ? torch.matmul(wide(a), wide(b)).to(ScalarType.BFloat16) : torch.matmul(a, b);
    }

    static boolean isReduced(Tensor t) {
        int type = t.scalar_type().value;
        return type == ScalarType.BFloat16.value || type == ScalarType.Half.value;
    }

    /**
     * {@code F.interpolate(x, scale_factor=s, mode='bilinear', align_corners=False)}: the output size
     * is {@code floor(size * s)} and the kernel maps coordinates with the scale itself, not with the
     * size ratio, exactly as PyTorch does when recompute_scale_factor is unset.
     */
    public static Tensor interpolateBilinear(Tensor x, double scale) {
        long h = (long) (x.size(2) * scale);
        long w = (long) (x.size(3) * scale);
        return torch.upsample_bilinear2d(x, new long[] {h, w}, false, new DoubleOptional(scale), new DoubleOptional(scale));
    }

    /** {@code F.interpolate(x, size=(h, w), mode='bilinear', align_corners=False)}. */
    public static Tensor interpolateBilinear(Tensor x, long h, long w) {
        return torch.upsample_bilinear2d(x, new long[] {h, w}, false);
    }

    /** {@code F.interpolate(x, size=(h, w), mode='bicubic', align_corners=False)}. */
    public static Tensor interpolateBicubic(Tensor x, long h, long w) {
        return torch.upsample_bicubic2d(x, new long[] {h, w}, false);
    }

    /** {@code F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)}. */
    public static Tensor gridSample(Tensor x, Tensor grid) {
        if (isReduced(x) || isReduced(grid)) { // sampled in float32, as under autocast
            x = x.to(ScalarType.Float);
            grid = grid.to(ScalarType.Float);
        }
        return torch.grid_sampler(x, grid, 0, 0, false);
    }

    /** Zero padding; {@code pad} lists (before, after) pairs from the last dimension backwards. */
    public static Tensor pad(Tensor x, long... pad) {
        return torch.pad(x, pad);
    }

    public static Tensor cat(long dim, Tensor... ts) {
        return torch.cat(new TensorArrayRef(new TensorVector(ts)), dim);
    }

    public static Tensor stack(long dim, Tensor... ts) {
        return torch.stack(new TensorArrayRef(new TensorVector(ts)), dim);
    }

    public static Tensor mul(Tensor x, double s) {
        return x.mul(new Scalar(s));
    }

    public static Tensor add(Tensor x, double s) {
        return x.add(new Scalar(s));
    }

    public static Tensor div(Tensor x, double s) {
        return x.div(new Scalar(s));
    }

    /** {@code x[:, start:end]} along {@code dim}. */
    public static Tensor slice(Tensor x, long dim, long start, long end) {
        return x.narrow(dim, start, end - start);
    }
}
