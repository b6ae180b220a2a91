package io.piip4j.model;

import io.piip4j.backbone.PiipClassifier;
import io.piip4j.config.PiipConfig;
import java.util.List;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/** Image classification: the PIIP classifier (branches, interactions, merge and head) as one task model. */
public final class ClassificationModel extends TaskModel {
    private final PiipClassifier classifier;

    public ClassificationModel(PiipClassifier classifier) {
        this.classifier = child("", classifier);
    }

    @Override
    public PiipConfig config() {
        return classifier.config();
    }

    @Override
    public InputSpec input() {
        return new InputSpec(classifier.inputSize(), true);
    }

    public int numClasses() {
        return classifier.numClasses();
    }

    /** images (B, 3, S, S) → logits (B, classes). */
    public Tensor logits(Tensor images) {
        return classifier.forward(images);
    }

    @Override
    public List<Tensor> forwardOutputs(Tensor images) {
        return List.of(logits(images));
    }

    @Override
    public Optional<ClassificationModel> asClassifier() {
        return Optional.of(this);
    }
}
