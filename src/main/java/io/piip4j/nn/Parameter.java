package io.piip4j.nn;

import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;

/**
 * A named model weight: its shape is known when the module is built, its data only once weights
 * are assigned. Counting parameters (as {@code ./piip info} does for 6B-scale models) therefore
 * never allocates.
 */
public final class Parameter {
    private final long[] shape;
    private Tensor value;

    Parameter(long[] shape) {
        this.shape = shape.clone();
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

    /** The data; fails if no weights were assigned yet. */
    public Tensor get() {
        if (value == null) {
            throw new IllegalStateException("parameter of shape " + Arrays.toString(shape) + " has no data; load weights first");
        }
        return value;
    }

    public boolean isSet() {
        return value != null;
    }

    public void set(Tensor t) {
        if (value != null && value != t) {
            value.close();
        }
        value = t;
    }

    void release() {
        if (value != null) {
            value.close();
            value = null;
        }
    }
}
