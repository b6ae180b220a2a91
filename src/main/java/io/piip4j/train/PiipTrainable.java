package io.piip4j.train;

import io.piip4j.backbone.PiipClassifier;
import io.piip4j.config.PiipConfig;
import io.piip4j.init.ReferenceInit;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A PIIP classifier for training: the branches' blocks get their configured {@code drop_path_rate}
 * (the classification reference uses one constant rate per branch), and layer decay follows the
 * reference's branch-aware {@code get_num_layer_for_vit}: embeddings of every branch are layer 0,
 * block i of branch 1 is layer i+1, block i of a shallower branch k is scaled to branch 1's depth
 * (the reference's {@code skip_stride}), all else is the last layer.
 */
public final class PiipTrainable implements TrainableClassifier {
    private final PiipClassifier model;

    public PiipTrainable(PiipConfig config) {
        this.model = new PiipClassifier(config);
        model.branches().forEach(BranchLayers::applyDropPath);
        InteractionDropPath.configure(model, config.interactionDropPathRate());
    }

    public PiipClassifier classifier() {
        return model;
    }

    @Override
    public Module module() {
        return model;
    }

    @Override
    public Tensor logits(Tensor images) {
        return model.forward(images);
    }

    @Override
    public int inputSize() {
        return model.inputSize();
    }

    @Override
    public int numClasses() {
        return model.numClasses();
    }

    @Override
    public void initialize() {
        ReferenceInit.initialize(model);
    }

    @Override
    public int numLayers() {
        return model.config().branches().get(0).depth();
    }

    @Override
    public int layerId(String name, int numLayers) {
        int dot = name.indexOf('.');
        if (dot < 0 || !name.substring(0, dot).matches("branch\\d+")) {
            return numLayers + 1;
        }
        int k = Integer.parseInt(name.substring(6, dot));
        int stride = Math.max(1, numLayers() / model.config().branches().get(k - 1).depth());
        return BranchLayers.layerId(name.substring(dot + 1), stride, numLayers);
    }
}
