package io.piip4j.testing;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/** How far two tensors of the same shape are apart, for tests of alternative kernels. */
public final class Close {
    private Close() {
    }

    /** max |a − b| over max(1, max |b|): the error relative to the reference's scale. */
    public static double maxRelative(Tensor a, Tensor b) {
        float[] x = Tensors.toFloats(a);
        float[] y = Tensors.toFloats(b);
        if (x.length != y.length) {
            throw new AssertionError("sizes differ: " + x.length + " against " + y.length);
        }
        double m = 0;
        double scale = 1;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
            scale = Math.max(scale, Math.abs(y[i]));
        }
        return m / scale;
    }
}
