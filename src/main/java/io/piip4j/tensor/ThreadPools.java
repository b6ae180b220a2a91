package io.piip4j.tensor;

import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One thread pool for the engine. The JavaCPP build of libtorch runs its kernels and oneDNN on
 * libgomp's threads but float32 BLAS products on OpenBLAS's own pthreads; on few cores the two
 * pools spin against each other (a 530×192×576 product took 8.4 ms instead of 0.66 ms). Inference
 * products go through {@link OneDnn} on the OpenMP pool, so OpenBLAS is held to the calling
 * thread, and OpenMP may keep its default (fast, spinning) wait policy.
 */
public final class ThreadPools {
    private static final boolean SINGLE = holdBlasToOneThread();

    private static boolean holdBlasToOneThread() {
        try {
            ProductPaths.check();
        } catch (IllegalStateException e) {
            return false; // a bad switch: reported by the first product, not as a class-loading error here
        }
        if (ProductPaths.of(ScalarType.Float) != ProductPath.ONEDNN_PACKED || System.getenv().containsKey("OPENBLAS_NUM_THREADS")) {
            return false; // float32 products on libtorch's BLAS, or the user chose OpenBLAS's threads
        }
        try {
            openblas_nolapack.blas_set_num_threads(1);
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false; // OpenBLAS's control not reachable: slower with 2 pools, still correct
        }
    }

    private ThreadPools() {
    }

    /** Applies the policy (idempotent; runs once per process, on first call). */
    public static void init() {
        // loading this class did the work
    }

    /**
     * While open, float32 BLAS products use all engine threads: training's products run through
     * libtorch's BLAS (the oneDNN path has no gradients), and training wants
     * {@code OMP_WAIT_POLICY=PASSIVE} (the launcher sets it for {@code piip train}).
     */
    public static AutoCloseable training() {
        if (!SINGLE) {
            return () -> { };
        }
        openblas_nolapack.blas_set_num_threads(org.bytedeco.pytorch.global.torch.get_num_threads());
        return () -> openblas_nolapack.blas_set_num_threads(1);
    }
}
