package io.piip4j.backbone;

import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Module;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** A PIIP model as a module with one input image batch and one or more output tensors. */
public abstract class PiipNetwork extends Module {
    public abstract PiipConfig config();

    /** The outputs in the reference's order (classification: logits; dense: the feature maps). */
    public abstract List<Tensor> forwardOutputs(Tensor image);

    /**
     * The model the configuration describes, with unallocated weights, ready to run once weights
     * are set. Fails with a {@link io.piip4j.config.ConfigException} where this port cannot run the
     * configuration.
     */
    public static PiipNetwork build(PiipConfig cfg) {
        checkRunnable(cfg);
        return structure(cfg);
    }

    /**
     * Fails as {@link #build} does where this port cannot run the configuration: where its float32
     * weights would not fit in the memory available ({@link WeightMemory}), before allocating any.
     */
    public static void checkRunnable(PiipConfig cfg) {
        long n;
        try (PiipNetwork shapes = structure(cfg)) {
            n = shapes.numParameters();
        }
        WeightMemory.check(cfg, n, WeightMemory.availableBytes());
    }

    /**
     * The module tree of any configuration this port can read, parameters declared with their
     * shapes and nothing allocated: for counting ({@code piip info}) and checking checkpoints.
     */
    public static PiipNetwork structure(PiipConfig cfg) {
        if (cfg.task() == PiipConfig.Task.CLASSIFICATION) {
            return new PiipClassifier(cfg);
        }
        return DenseBackbone.structure(cfg);
    }
}
