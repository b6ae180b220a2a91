package io.piip4j.tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall time per named stage of a forward pass (branch blocks, interactions, …), for
 * {@code piip bench --profile}. CPU kernels run synchronously, so a stage's wall time is its cost.
 * Off unless a profile is started on the calling thread; then each call adds its time to its name.
 */
public final class StageTimer {
    private static final ThreadLocal<Map<String, Long>> ACTIVE = new ThreadLocal<>();

    private StageTimer() {
    }

    public static <T> T time(String stage, Supplier<T> body) {
        Map<String, Long> m = ACTIVE.get();
        if (m == null) {
            return body.get();
        }
        long t0 = System.nanoTime();
        try {
            return body.get();
        } finally {
            m.merge(stage, System.nanoTime() - t0, Long::sum);
        }
    }

    /** Starts collecting on this thread (clearing earlier totals). */
    public static void start() {
        ACTIVE.set(new LinkedHashMap<>());
    }

    /** Stops collecting and returns nanoseconds per stage, in first-seen order. */
    public static Map<String, Long> stop() {
        Map<String, Long> m = ACTIVE.get();
        ACTIVE.remove();
        return m == null ? Map.of() : m;
    }
}
