package io.piip4j.count;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates, per group ("branch1", "interactions.3", "merging/output", …), what a shape-level
 * walk of a model finds: parameters, the multiply-adds mmcv's hooks would count, the official
 * scripts' analytic terms, and the true cost of every operation.
 *
 * <p>Layer helpers follow mmcv's hook rules exactly for the authors' count (linear: input elements
 * × out features, no bias; convolution: k²·in/groups·out per output position plus the bias;
 * transposed convolution: per input position; norms: elements, ×2 when affine; ReLU/pooling:
 * elements) and charge the true cost separately. True-cost charges for the non-matmul operations
 * are documented constants: they are a model of the arithmetic, not a measurement.
 */
final class Tally {
    /** LayerNorm/GroupNorm without the affine part: mean, centred square, normalise (sub, mul). */
    static final int NORM_OPS = 4;
    /** RMSNorm: square-accumulate, scale, weight. */
    static final int RMS_NORM_OPS = 3;
    /** GELU (erf form) per element. */
    static final int GELU_OPS = 8;
    /** Softmax per element: max, exp, sum, divide. */
    static final int SOFTMAX_OPS = 4;
    /** Bilinear interpolation per output element (two lerps in x, one in y, weights). */
    static final int BILINEAR_OPS = 4;
    /** Bicubic interpolation per output element: a 4×4 tap filter. */
    static final int BICUBIC_OPS = 16;
    /** Deformable sampling per query, point and value channel: a bilinear sample and its weighting. */
    static final int DEFORM_SAMPLE_OPS = 5;

    private final Map<String, long[]> groups = new LinkedHashMap<>();
    /** The maps the walked model hands to its neck, finest first (none where the walk does not model them). */
    private final List<FeatureMap> outputs = new ArrayList<>();
    /** False while walking what the official script's forward never reaches (the FPN after {@code cal_flops}). */
    private boolean scriptSees = true;

    private long[] g(String group) {
        return groups.computeIfAbsent(group, k -> new long[4]);
    }

    void scriptSees(boolean sees) {
        this.scriptSees = sees;
    }

    /** Declares a group so that it is listed even where it holds nothing. */
    void group(String group) {
        g(group);
    }

    void params(String group, long n) {
        g(group)[0] += n;
    }

    void hook(String group, long flops) {
        if (scriptSees) {
            g(group)[1] += flops;
        }
    }

    void analytic(String group, long flops) {
        g(group)[2] += flops;
    }

    void actual(String group, long ops) {
        g(group)[3] += ops;
    }

    // ---- layers: params are declared where a module is built, costs where it is called ----

    static long linearParams(long in, long out, boolean bias) {
        return in * out + (bias ? out : 0);
    }

    static long convParams(long in, long out, int k, int groups, boolean bias) {
        return (long) k * k * (in / groups) * out + (bias ? out : 0);
    }

    /** A {@code nn.Linear} call on {@code rows} vectors; {@code hooked} false where it is bypassed (F.linear, fused kernels). */
    void linear(String group, long rows, long in, long out, boolean bias, boolean hooked) {
        long macs = rows * in * out;
        if (hooked) {
            hook(group, macs);
        }
        actual(group, macs + (bias ? rows * out : 0));
    }

    /** A {@code nn.Conv2d} call producing an outH×outW map. */
    void conv(String group, long outH, long outW, long in, long out, int k, int groups, boolean bias) {
        long positions = outH * outW;
        long flops = (long) k * k * in * (out / groups) * positions + (bias ? out * positions : 0);
        hook(group, flops);
        actual(group, flops);
    }

    /** A {@code nn.ConvTranspose2d(in, out, k, stride k)} call on an inH×inW map. */
    void convTranspose(String group, long inH, long inW, long in, long out, int k, boolean bias) {
        long flops = (long) k * k * in * out * inH * inW + (bias ? out * inH * k * inW * k : 0);
        hook(group, flops);
        actual(group, flops);
    }

    /** {@code nn.LayerNorm}/{@code nn.GroupNorm} (hooked) or a custom LayerNorm class (not hooked). */
    void norm(String group, long elements, boolean affine, boolean hooked) {
        if (hooked) {
            hook(group, affine ? 2 * elements : elements);
        }
        actual(group, elements * (NORM_OPS + (affine ? 1 : 0)));
    }

    void rmsNorm(String group, long elements) {
        actual(group, elements * RMS_NORM_OPS);
    }

    void relu(String group, long elements) {
        hook(group, elements);
        actual(group, elements);
    }

    void maxPool(String group, long inputElements) {
        hook(group, inputElements);
        actual(group, inputElements);
    }

    void gelu(String group, long elements) {
        actual(group, elements * GELU_OPS);
    }

    void softmax(String group, long elements) {
        actual(group, elements * SOFTMAX_OPS);
    }

    /** Elementwise adds and multiplies (residuals, layer scales, weighted sums): one op per element. */
    void elementwise(String group, long elements) {
        actual(group, elements);
    }

    void bilinear(String group, long outputElements) {
        actual(group, outputElements * BILINEAR_OPS);
    }

    void bicubic(String group, long outputElements) {
        actual(group, outputElements * BICUBIC_OPS);
    }

    /** Records one output map of the walked model. */
    void output(long channels, long h, long w) {
        outputs.add(new FeatureMap(channels, h, w));
    }

    List<FeatureMap> outputs() {
        return List.copyOf(outputs);
    }

    /** Groups in insertion order with [params, hooked, analytic, true]. */
    Map<String, long[]> groups() {
        Map<String, long[]> copy = new LinkedHashMap<>();
        groups.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }
}
