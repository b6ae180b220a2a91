package io.piip4j.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * A linear layer's weight packed for {@link OneDnn} inference, made on first use and re-made when
 * the weight changes (a new tensor, an in-place update seen through its version counter, a new
 * dtype). Shared by every thread that runs the layer.
 */
public final class PackedWeight {
    private Tensor source;
    private long version;
    private Tensor packed;

    /** The packed form of {@code weight}, packing it now if needed. */
    public synchronized Tensor of(Tensor weight, long rows) {
        long v = versionOf(weight);
        if (packed != null && source == weight && version == v) {
            return packed;
        }
        Tensor fresh;
        try (PointerScope outside = new PointerScope()) { // owned here, not by the caller's per-forward scope
            fresh = OneDnn.pack(weight, rows);
            fresh.retainReference();
        }
        release();
        packed = fresh;
        source = weight;
        version = v;
        return packed;
    }

    /** Inference tensors (made under inference mode, e.g. in tests) carry no version counter. */
    private static long versionOf(Tensor weight) {
        return weight.is_inference() ? -1 : weight._version();
    }

    /** Frees the packed copy (the next use packs again). */
    public synchronized void release() {
        if (packed != null) {
            packed.releaseReference();
            packed = null;
            source = null;
        }
    }
}
