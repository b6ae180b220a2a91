package io.piip4j.model;

import io.piip4j.backbone.DenseBackbone;
import io.piip4j.backbone.PiipClassifier;
import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Module;
import java.util.List;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/**
 * A whole model for one task, built from one config, as torchvision's / mmdetection's
 * classifier, detector and segmentor classes: a backbone with, later, a neck and heads as child
 * modules. Callers (the predictors, the CLI) ask it what it can do ({@link #input()},
 * {@link #asClassifier()}) instead of testing its class. Task models that wrap one network keep
 * that network's state-dict keys (it is an unnamed child).
 */
public abstract class TaskModel extends Module {

    public abstract PiipConfig config();

    /** The images it takes. */
    public abstract InputSpec input();

    /** The raw outputs in the reference's order (classification: logits; dense: the feature maps). */
    public abstract List<Tensor> forwardOutputs(Tensor images);

    /** This model as a classifier, where it is one. */
    public Optional<ClassificationModel> asClassifier() {
        return Optional.empty();
    }

    /**
     * The model a config describes, with unallocated weights, ready to run once weights are set;
     * fails as {@link PiipNetwork#build} does where the configuration cannot run here (its weights would not fit).
     */
    public static TaskModel build(PiipConfig cfg) {
        PiipNetwork.checkRunnable(cfg);
        return structure(cfg);
    }

    /** The module tree of any configuration this port can read, nothing allocated (for counting and checking). */
    public static TaskModel structure(PiipConfig cfg) {
        return switch (cfg.task()) {
            case CLASSIFICATION -> new ClassificationModel(new PiipClassifier(cfg));
            case DENSE -> new BackboneModel(DenseBackbone.structure(cfg));
        };
    }
}
