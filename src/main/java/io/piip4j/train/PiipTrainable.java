package io.piip4j.train;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.PiipClassifier;
import io.piip4j.backbone.branch.TokenBlock;
import io.piip4j.config.BranchConfig;
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
        for (Branch b : model.branches()) {
            for (TokenBlock blk : b.blocks()) {
                blk.setDropPath(b.config().dropPathRate());
            }
        }
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
        String[] parts = name.split("\\.");
        if (parts[0].matches("branch\\d+") && parts.length > 1) {
            int k = Integer.parseInt(parts[0].substring(6));
            String rest = parts[1];
            if (rest.equals("cls_token") || rest.equals("pos_embed") || rest.equals("patch_embed")) {
                return 0;
            }
            if (rest.equals("blocks")) {
                int i = Integer.parseInt(parts[2]);
                if (k == 1) {
                    return i + 1;
                }
                BranchConfig first = model.config().branches().get(0);
                BranchConfig mine = model.config().branches().get(k - 1);
                int stride = Math.max(1, first.depth() / mine.depth());
                return (i + 1) * stride;
            }
        }
        return numLayers + 1;
    }
}
