package io.piip4j.tensor;

import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;

/**
 * Runs model code for inference: autograd off (inference mode is thread-local, so every calling
 * thread sets it) and every tensor created inside freed when the call returns. The body must copy
 * what it returns out of native memory (e.g. with {@link Tensors#toNdArray}), or detach it from
 * the scope explicitly.
 */
public final class Inference {
    private Inference() {
    }

    public static <T> T run(Supplier<T> body) {
        ThreadPools.init();
        try (InferenceMode mode = new InferenceMode(); PointerScope scope = new PointerScope()) {
            return body.get();
        }
    }

    /** Intra-op threads of the engine (process-wide), as {@code torch.set_num_threads}. */
    public static void setThreads(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + n);
        }
        ThreadPools.init();
        torch.set_num_threads(n);
    }

    public static int threads() {
        return torch.get_num_threads();
    }
}
