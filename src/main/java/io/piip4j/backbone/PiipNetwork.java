package io.piip4j.backbone;

import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Module;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** A PIIP model as a module with one input image batch and one or more output tensors. */
public abstract class PiipNetwork extends Module {
    public abstract PiipConfig config();

    /** The outputs in the reference's order (classification: logits; dense: the feature maps). */
    public abstract List<Tensor> forwardOutputs(Tensor image);

    /** The model the configuration describes, with unallocated weights. */
    public static PiipNetwork build(PiipConfig cfg) {
        if (cfg.task() == PiipConfig.Task.CLASSIFICATION) {
            return new PiipClassifier(cfg);
        }
        throw new ConfigException("dense-prediction backbones (detection / segmentation) are not supported yet");
    }
}
