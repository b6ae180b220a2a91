package io.piip4j.nn;

import io.piip4j.tensor.OneDnn;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * A weight used as a linear product's (out, in) matrix (a {@link Linear}'s, or a non-overlapping
 * {@link ConvTranspose2d}'s), packed for {@link OneDnn} inference: made on first use, re-made when the
 * weight changes (a new tensor, an in-place update seen through its version counter, a new dtype).
 * With {@link #keepOnlyPacked} the plain weight is freed once packed, so inference holds one copy;
 * anything that asks the parameter for its data later gets it back, unpacked, bit for bit.
 */
final class PackedWeight {
    private final Parameter weight;
    /** The weight as the (out, in) matrix of a linear product, and back (identity for a Linear). */
    private final UnaryOperator<Tensor> toMatrix;
    private final UnaryOperator<Tensor> fromMatrix;
    private boolean keepOnlyPacked;
    private Tensor source;
    private long version;
    /** Written under the parameter's lock, read without it on the fast path. */
    private volatile Tensor packed;

    PackedWeight(Parameter weight) {
        this(weight, UnaryOperator.identity(), UnaryOperator.identity());
    }

    PackedWeight(Parameter weight, UnaryOperator<Tensor> toMatrix, UnaryOperator<Tensor> fromMatrix) {
        this.weight = weight;
        this.toMatrix = toMatrix;
        this.fromMatrix = fromMatrix;
    }

    void keepOnlyPacked(boolean on) {
        synchronized (weight) {
            keepOnlyPacked = on;
        }
    }

    /** The packed weight to multiply with now ({@code rows} input rows), or null where oneDNN does not apply. */
    Tensor forInference(long rows) {
        Tensor ready = packed;
        if (ready != null && weight.peek() == null) {
            return ready; // offloaded and packed: the steady state of a loaded model, no lock on the hot path
        }
        synchronized (weight) { // the parameter's lock: offloading and rebuilding it take the same one
            return packedFor(rows);
        }
    }

    private Tensor packedFor(long rows) {
        Tensor held = weight.peek();
        if (held == null) {
            return packed; // offloaded: the packed copy is the weight (null if nothing was loaded)
        }
        if (!OneDnn.takes(held)) {
            return null;
        }
        long v = versionOf(held);
        if (packed == null || source != held || version != v) {
            Tensor fresh;
            // a plain tensor owned here: not the caller's per-forward scope, not an inference tensor
            try (PointerScope own = new PointerScope(); InferenceMode off = new InferenceMode(false);
                    NoGradGuard noGrad = new NoGradGuard()) {
                fresh = OneDnn.pack(toMatrix.apply(held), rows);
                fresh.retainReference();
            }
            releasePacked();
            packed = fresh;
            source = held;
            version = v;
        }
        if (keepOnlyPacked) {
            source = null;
            weight.offload(this::unpack);
        }
        return packed;
    }

    /** The plain weight again, from the packed copy (lossless), and remembered as its source. Called under the parameter's lock. */
    private Tensor unpack() {
        Tensor plain;
        try (PointerScope own = new PointerScope(); InferenceMode off = new InferenceMode(false);
                NoGradGuard noGrad = new NoGradGuard()) {
            plain = fromMatrix.apply(packed.to_dense()).contiguous();
            plain.retainReference();
        }
        source = plain;
        version = versionOf(plain);
        return plain;
    }

    /** Frees the packed copy (the model is closing; the plain weight is released by its parameter). */
    void release() {
        synchronized (weight) {
            releasePacked();
            source = null;
        }
    }

    boolean isPacked() {
        synchronized (weight) {
            return packed != null;
        }
    }

    /** Inference tensors (made under inference mode, e.g. in tests) carry no version counter. */
    private static long versionOf(Tensor t) {
        return t.is_inference() ? -1 : t._version();
    }

    private void releasePacked() {
        if (packed != null) {
            packed.releaseReference();
            packed = null;
        }
    }
}
