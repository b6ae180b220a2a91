package io.piip4j.nn;

import io.piip4j.tensor.F;
import io.piip4j.tensor.OneDnn;
import io.piip4j.tensor.ProductPaths;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.Linear}: {@code weight} (out × in) and optional {@code bias}. */
public final class Linear extends Module {
    public final long in;
    public final long out;
    private final Parameter weight;
    private final Parameter bias;
    /** The weight in oneDNN's layout for inference on CPU; training uses the plain weight. */
    private final PackedWeight packed;

    public Linear(long in, long out) {
        this(in, out, true);
    }

    public Linear(long in, long out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
        this.packed = new PackedWeight(weight);
    }

    /**
     * Inference only: once packed, keep just the packed weight (one copy in memory instead of two).
     * The plain weight comes back, unpacked, if anything asks the parameter for it.
     */
    public void keepOnlyPackedWeight() {
        packed.keepOnlyPacked(true);
    }

    /** The oneDNN form of the weight (package access, for tests). */
    PackedWeight packedWeight() {
        return packed;
    }

    @Override
    protected void releaseDerived() {
        packed.release();
    }

    public Tensor forward(Tensor x) {
        return hooked() ? call(FORWARD, () -> product(x)) : product(x);
    }

    private Tensor product(Tensor x) {
        Tensor p = packedFor(x);
        return p != null ? packed.inPlainType(OneDnn.linear(F.like(x, p), p, biasFor(p))) : F.linear(x, weight.get(), biasOrNull());
    }

    /** {@code GELU(linear(x))} (exact, or the tanh approximation), fused into the product where oneDNN runs it. */
    public Tensor forwardGelu(Tensor x, boolean tanh) {
        Tensor p = packedFor(x);
        if (p != null) {
            return packed.inPlainType(OneDnn.linearGelu(F.like(x, p), p, biasFor(p), tanh));
        }
        Tensor y = forward(x);
        return tanh ? F.geluTanh(y) : F.gelu(y);
    }

    /** The bias in the packed weight's dtype (float32 where bfloat16 is widened). */
    private Tensor biasFor(Tensor packedWeight) {
        return bias == null ? null : F.like(bias.get(), packedWeight);
    }

    private Tensor biasOrNull() {
        return bias == null ? null : bias.get();
    }

    /** The packed weight when this product runs on oneDNN now, else null. */
    private Tensor packedFor(Tensor x) {
        if (ProductPaths.packingNow() && x.dim() >= 2 && !x.is_cuda()) {
            return packed.forInference(x.numel() / x.size(-1));
        }
        return null;
    }
}
