package io.piip4j.count;

import io.piip4j.nn.Module;

/**
 * Counts one {@link PartCost} of a whole model, layer call by layer call, with the rules the
 * backbone walk uses ({@link Tally}): mmcv's hooks on exact module types for the authors'
 * convention (convolution: k²·in/groups·out per output position plus the bias; linear: input
 * elements × out features; {@code nn.LayerNorm}/{@code nn.GroupNorm}: elements, ×2 when affine;
 * {@code nn.ReLU}/pooling modules: elements), and every operation for the true cost. Where the
 * reference calls the functional form ({@code F.relu}, {@code F.max_pool2d}, {@code F.linear}) the
 * caller says the hook does not see it. Parameters come from the part's modules as built, so they
 * are exactly those of its state dict.
 */
public final class Meter {
    private final String name;
    private final String assumption;
    private final Tally t = new Tally();

    /** @param assumption what the FLOPs assume beyond the image size; empty where nothing */
    public Meter(String name, String assumption) {
        this.name = name;
        this.assumption = assumption;
        t.group(name);
    }

    /** Adds the parameters of modules of this part (their shapes; nothing is allocated). */
    public Meter params(Module... modules) {
        for (Module m : modules) {
            t.params(name, m.numParameters());
        }
        return this;
    }

    /** Adds a parameter count read elsewhere (a subset of a module's state dict). */
    public Meter params(long n) {
        t.params(name, n);
        return this;
    }

    /** {@code nn.Conv2d} producing an outH×outW map. */
    public void conv(long outH, long outW, long in, long out, int kernel, int groups, boolean bias) {
        t.conv(name, outH, outW, in, out, kernel, groups, bias);
    }

    /** {@code nn.ConvTranspose2d(in, out, k, stride k)} on an inH×inW map. */
    public void convTranspose(long inH, long inW, long in, long out, int kernel, boolean bias) {
        t.convTranspose(name, inH, inW, in, out, kernel, bias);
    }

    /** A linear layer on {@code rows} vectors; {@code hooked} false where the reference calls {@code F.linear}. */
    public void linear(long rows, long in, long out, boolean bias, boolean hooked) {
        t.linear(name, rows, in, out, bias, hooked);
    }

    /** {@code nn.LayerNorm}/{@code nn.GroupNorm} over {@code elements}. */
    public void norm(long elements, boolean affine, boolean hooked) {
        t.norm(name, elements, affine, hooked);
    }

    /** ReLU; {@code hooked} false for {@code F.relu}. */
    public void relu(long elements, boolean hooked) {
        if (hooked) {
            t.relu(name, elements);
        } else {
            t.actual(name, elements);
        }
    }

    /** Max pooling over {@code inputElements}; {@code hooked} false for {@code F.max_pool2d}. */
    public void maxPool(long inputElements, boolean hooked) {
        if (hooked) {
            t.maxPool(name, inputElements);
        } else {
            t.actual(name, inputElements);
        }
    }

    /** {@code nn.AdaptiveAvgPool2d} over {@code inputElements} (mmcv's pooling hook: one per input element). */
    public void adaptiveAvgPool(long inputElements) {
        t.maxPool(name, inputElements);
    }

    public void softmax(long elements) {
        t.softmax(name, elements);
    }

    /** Sigmoid per element (exp, add, divide). */
    public void sigmoid(long elements) {
        t.actual(name, elements * SIGMOID_OPS);
    }

    /** Sine or cosine of a scaled value per element (divide, sin/cos). */
    public void sine(long elements) {
        t.actual(name, elements * SINE_OPS);
    }

    /** Elementwise adds and multiplies: one op per element. */
    public void elementwise(long elements) {
        t.elementwise(name, elements);
    }

    /** Bilinear interpolation producing {@code outputElements}. */
    public void bilinear(long outputElements) {
        t.bilinear(name, outputElements);
    }

    /**
     * The sampling of a multi-scale deformable attention ({@code multi_scale_deformable_attn_pytorch},
     * which no hook sees): {@code queries} queries each sampling {@code points} locations (levels ×
     * points, per head) of {@code channels} value channels (all heads together). The authors'
     * analytic term is 5·N·K·C (N queries, K = levels × points, C channels: a bilinear sample and its
     * weighting per point and channel). The true cost counts the same, plus the sampling locations
     * per head, point and coordinate: offset over the level size, plus the reference, the 2x − 1 grid
     * transform (4 operations; 6 for box references, whose offsets scale with the box size).
     */
    public void deformableSampling(long queries, long heads, long points, long channels, boolean boxReferences) {
        long samples = (long) Tally.DEFORM_SAMPLE_OPS * queries * points * channels;
        t.analytic(name, samples);
        t.actual(name, samples + (boxReferences ? 6 : 4) * 2 * queries * heads * points);
    }

    /**
     * Dense multi-head attention between {@code nq} queries and {@code nk} keys of {@code dim}
     * channels split in {@code heads}: the score and weighted-sum products and the softmax (the
     * projections are separate linear calls). Functional in the reference: no hook sees it.
     */
    public void attention(long nq, long nk, long dim, long heads) {
        t.actual(name, 2 * nq * nk * dim); // as the backbone's attention: QKᵀ and attention·V
        t.softmax(name, heads * nq * nk);
    }

    /** The part's cost. */
    public PartCost result() {
        long[] v = t.groups().get(name);
        return new PartCost(name, assumption, v[0], v[1], v[2], v[3]);
    }

    /** Sigmoid per element: exp, add, divide. */
    static final int SIGMOID_OPS = 3;
    /** Sine embedding per element: divide by the temperature power, sin or cos. */
    static final int SINE_OPS = 2;
}
