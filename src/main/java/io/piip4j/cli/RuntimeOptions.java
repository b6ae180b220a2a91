package io.piip4j.cli;

import io.piip4j.predict.PiipModel;
import io.piip4j.tensor.Capabilities;
import io.piip4j.tensor.Inference;
import io.piip4j.train.SmallImageClassifier;
import picocli.CommandLine.Option;

/** Threads, device and precision of a loaded model (a picocli mixin of forward and classify). */
final class RuntimeOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (CUDA needs the -Pgpu build). Default ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--dtype", defaultValue = "fp32",
            description = "fp32, or bf16 (matrix products in bfloat16, the rest in float32, as torch.autocast). Default ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--threads", description = "Engine threads (default: all cores).")
    Integer threads;

    /** Validates the options and sets the engine's threads, before any work is done. */
    void check() {
        if (!dtype.equals("fp32") && !dtype.equals("bf16")) {
            throw new UsageException("--dtype must be fp32 or bf16, got '" + dtype + "'");
        }
        if (threads != null) {
            Inference.setThreads(threads);
        }
    }

    /** For models that run in float32 on the CPU only: refuses --device and --dtype otherwise. */
    void requireCpuFloat32(String what) {
        if (!device.equals("cpu") || !dtype.equals("fp32")) {
            throw new UsageException(what + " runs in float32 on the CPU: leave out --device and --dtype");
        }
    }

    /** The built-in Fashion-MNIST model: bfloat16 as asked; it runs on the CPU only. */
    SmallImageClassifier apply(SmallImageClassifier model) {
        if (!device.equals("cpu")) {
            throw new IllegalArgumentException("--device " + device + ": the built-in Fashion-MNIST model runs on the CPU;"
                    + " give --config and --weights to run a model elsewhere");
        }
        return dtype.equals("bf16") ? bfloat16(model::bfloat16) : model;
    }

    PiipModel apply(PiipModel model) {
        if (!device.equals("cpu")) {
            model.to(device);
        }
        return dtype.equals("bf16") ? bfloat16(model::bfloat16) : model;
    }

    /** Converts to bfloat16, first saying on stderr when that is likely slower than float32 on this machine. */
    private static <T> T bfloat16(java.util.function.Supplier<T> convert) {
        noteBfloat16();
        return convert.get();
    }

    /** Says on stderr, in one line, when bfloat16 is likely slower than float32 on this machine (any command taking --dtype bf16). */
    static void noteBfloat16() {
        Capabilities.get().bfloat16Notice().ifPresent(n -> System.err.println("piip: note: " + n));
    }
}
