package io.piip4j.nn;

import io.piip4j.tensor.OneDnn;
import io.piip4j.tensor.ProductPaths;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

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
    /** The weight's own dtype: the packed copy is float32 where bfloat16 is widened, and unpacks back to this. */
    private ScalarType plainType;
    /** The weight (and its version) the engine refused to pack: not retried until it changes. */
    private Tensor refusedFor;
    private long refusedVersion;
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
        if (!ProductPaths.packs(held)) {
            return null;
        }
        long v = versionOf(held);
        if (refusedFor == held && refusedVersion == v) {
            return null;
        }
        if (packed == null || source != held || version != v) {
            Tensor fresh;
            // a plain tensor owned here: not the caller's per-forward scope, not an inference tensor
            try (PointerScope own = new PointerScope(); InferenceMode off = new InferenceMode(false);
                    NoGradGuard noGrad = new NoGradGuard()) {
                Tensor matrix = toMatrix.apply(held);
                fresh = OneDnn.pack(ProductPaths.widens(held) ? matrix.to(ScalarType.Float) : matrix, rows);
                fresh.retainReference();
            } catch (RuntimeException e) {
                // the engine refused this weight (a shape or type the probe did not cover): libtorch's product serves it
                refusedFor = held;
                refusedVersion = v;
                return null;
            }
            releasePacked();
            packed = fresh;
            source = held;
            version = v;
            plainType = held.scalar_type();
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
            plain = fromMatrix.apply(packed.to_dense()).to(plainType).contiguous(); // widened bfloat16 values narrow back exactly
            plain.retainReference();
        }
        source = plain;
        version = versionOf(plain);
        return plain;
    }

    /** A product's result in the weight's own dtype (a widened bfloat16 product is rounded back, as bfloat16 kernels round). */
    Tensor inPlainType(Tensor y) {
        return plainType == null || y.scalar_type().value == plainType.value ? y : y.to(plainType);
    }

    /** Frees the packed copy (the model is closing; the plain weight is released by its parameter). */
    void release() {
        synchronized (weight) {
            releasePacked();
            source = null;
            refusedFor = null;
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
