package io.piip4j.nn;

import java.util.Arrays;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;

/**
 * A named model weight: its shape is known when the module is built, its data only once weights
 * are assigned. Counting parameters (as {@code ./piip info} does for 6B-scale models) therefore
 * never allocates.
 */
public final class Parameter {
    private final long[] shape;
    /** A buffer ({@code register_buffer}: BatchNorm's running statistics): in the state dict, not a learnable parameter. */
    private final boolean buffer;
    private volatile Tensor value;
    /** Rebuilds the data after {@link #offload}; null while the data is held here. */
    private Supplier<Tensor> restore;

    Parameter(long[] shape) {
        this(shape, false);
    }

    Parameter(long[] shape, boolean buffer) {
        this.shape = shape.clone();
        this.buffer = buffer;
    }

    /** Whether this is a persistent buffer (loaded by name like a parameter, but not counted as one). */
    public boolean isBuffer() {
        return buffer;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** The data; fails if no weights were assigned yet. Offloaded data is rebuilt here on first use. */
    public Tensor get() {
        Tensor v = value;
        if (v != null) {
            return v;
        }
        synchronized (this) {
            if (value == null && restore != null) {
                value = restore.get();
                restore = null;
            }
            if (value == null) {
                throw new IllegalStateException("parameter of shape " + Arrays.toString(shape) + " has no data; load weights first");
            }
            return value;
        }
    }

    /** The data if held here, else null (never rebuilds offloaded data). */
    Tensor peek() {
        return value;
    }

    public boolean isSet() {
        return value != null || restore != null;
    }

    public synchronized void set(Tensor t) {
        if (value != null && value != t) {
            value.close();
        }
        value = t;
        restore = null;
    }

    /**
     * Frees the data while another form of it is kept elsewhere (a linear layer's packed weight);
     * {@code rebuild} makes it again if anything asks for it.
     */
    synchronized void offload(Supplier<Tensor> rebuild) {
        if (value != null) {
            value.close();
            value = null;
        }
        restore = rebuild;
    }

    synchronized void release() {
        if (value != null) {
            value.close();
            value = null;
        }
        restore = null;
    }
}
