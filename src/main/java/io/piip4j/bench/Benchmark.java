package io.piip4j.bench;

import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.Linear;
import io.piip4j.nn.MixedPrecision;
import io.piip4j.nn.RandomWeights;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.ProductPaths;
import io.piip4j.tensor.ThreadPools;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Times forward passes of a model with random weights, and in the same run the engine's matmul
 * peak for the same dtype, so each result also reads as a fraction of what the machine can do.
 */
public final class Benchmark {
    /**
     * What to run.
     *
     * @param profile whether to time the stages ({@link StageProfile}'s hooks, installed only then)
     */
    public record Settings(int batch, int height, int width, int warmup, int iters, ScalarType dtype, boolean profile) {
        /** With the stage profile, as before it was optional. */
        public Settings(int batch, int height, int width, int warmup, int iters, ScalarType dtype) {
            this(batch, height, width, warmup, iters, dtype, true);
        }
    }

    /**
     * Seconds per forward, memory and the machine's matmul rate.
     *
     * @param stageSeconds mean seconds per forward of each named stage, plus "other" (resizing,
     *                     merging, heads); empty without a profile
     */
    public record Result(double[] seconds, long peakRssBytes, long rssBeforeBytes, double matmulGflops,
            Map<String, Double> stageSeconds) {
        public double min() {
            return Arrays.stream(seconds).min().orElse(Double.NaN);
        }

        public double max() {
            return Arrays.stream(seconds).max().orElse(Double.NaN);
        }

        public double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }
    }

    private Benchmark() {
    }

    public static Result run(PiipConfig config, Settings s) {
        try (PiipNetwork net = PiipNetwork.build(config); StageProfile profile = s.profile() ? StageProfile.install(net) : null) {
            RandomWeights.fill(net, 0);
            InferenceWeights.keepOnlyPacked(net); // as PiipModel holds a loaded model
            if (s.dtype() == ScalarType.BFloat16) {
                MixedPrecision.toBfloat16(net);
            }
            return measure(s, profile, () -> Inference.run(() -> {
                Tensor x = torch.randn(s.batch(), 3, s.height(), s.width());
                for (Tensor out : net.forwardOutputs(x)) {
                    out.sum().item_float(); // forces the computation to finish
                }
                return null;
            }));
        }
    }

    /**
     * Runs {@code forward} {@code warmup + iters} times, timing the last {@code iters}, with the
     * resident memory sampled throughout and the stages of {@code profile} (when not null) collected
     * over the timed runs; then measures the matmul peak for the settings' dtype.
     */
    static Result measure(Settings s, StageProfile profile, Runnable forward) {
        long before = Pointer.physicalBytes();
        RssSampler sampler = new RssSampler();
        sampler.start();
        List<Double> times = new ArrayList<>();
        Map<String, Long> stages;
        try {
            for (int i = 0; i < s.warmup() + s.iters(); i++) {
                if (i == s.warmup() && profile != null) {
                    profile.start();
                }
                long t0 = System.nanoTime();
                forward.run();
                if (i >= s.warmup()) {
                    times.add((System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            stages = profile == null ? Map.of() : profile.stop();
            sampler.stop();
        }
        double[] secs = times.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Double> perStage = new LinkedHashMap<>();
        double staged = 0;
        for (String key : nestedOrder(stages.keySet())) {
            double v = stages.get(key) / 1e9 / s.iters();
            perStage.put(key, v);
            if (!key.contains("/")) { // a part ("interactions/ffn") is inside its whole's time
                staged += v;
            }
        }
        double mean = Arrays.stream(secs).average().orElse(0);
        if (profile != null) {
            perStage.put("other", Math.max(0, mean - staged));
        }
        return new Result(secs, sampler.peak(), before, matmulGflops(s.dtype()), perStage);
    }

    /** Stage names with each whole before its parts ("a", "a/b", "a/b/c"), otherwise in first-seen order. */
    static List<String> nestedOrder(java.util.Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!n.contains("/")) {
                out.add(n);
                addParts(n, names, out);
            }
        }
        for (String n : names) {
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private static void addParts(String whole, java.util.Collection<String> names, List<String> out) {
        for (String n : names) {
            if (n.startsWith(whole + "/") && n.indexOf('/', whole.length() + 1) < 0) {
                out.add(n);
                addParts(n, names, out);
            }
        }
    }

    /**
     * 2048×2048 product rate through the engine, in GFLOP/s (2·n³ per product): the path the models'
     * linear layers take ({@link ProductPaths}: oneDNN on a packed weight, widened bfloat16, or libtorch).
     */
    public static double matmulGflops(ScalarType dtype) {
        ThreadPools.init();
        try (InferenceMode mode = new InferenceMode(); org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope();
                Linear layer = new Linear(2048, 2048, false)) {
            int n = 2048;
            layer.namedParameters().get("weight").set(torch.randn(n, n).to(dtype));
            Tensor a = torch.randn(n, n).to(dtype);
            Runnable product = () -> layer.forward(a);
            product.run();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                product.run();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /** Samples the process's resident memory while the benchmark runs. */
    static final class RssSampler {
        private volatile boolean running;
        private volatile long peak;
        private Thread thread;

        void start() {
            running = true;
            peak = Pointer.physicalBytes();
            thread = new Thread(() -> {
                while (running) {
                    peak = Math.max(peak, Pointer.physicalBytes());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            peak = Math.max(peak, Pointer.physicalBytes());
        }

        long peak() {
            return peak;
        }
    }
}
