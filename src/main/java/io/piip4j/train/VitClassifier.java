package io.piip4j.train;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.BranchConfig;
import io.piip4j.init.ReferenceInit;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The single-branch ViT baseline, built from the same branch and blocks as a PIIP branch, with
 * {@code vit_models}' own head (final norm, then the class token — or the token mean — into the
 * linear head). Its parameter names are exactly {@code vit_models}' state-dict keys, so a trained
 * baseline is itself a pretrained checkpoint that {@code piip init} can put into a PIIP branch.
 */
public final class VitClassifier extends Module implements TrainableClassifier {
    private final Branch branch;

    public VitClassifier(BranchConfig config) {
        // registered without a name: the branch's parameters are this model's top-level keys
        this.branch = child("", Branch.create(config, true));
        BranchLayers.applyDropPath(branch);
    }

    public Branch branch() {
        return branch;
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public Tensor logits(Tensor images) {
        Branch.Embedded e = branch.embed(images);
        e = branch.forwardBlocks(e, 0, branch.blocks().size() - 1);
        return branch.standaloneLogits(e);
    }

    @Override
    public int inputSize() {
        return branch.config().imgSize();
    }

    @Override
    public int numClasses() {
        return branch.config().numClasses();
    }

    @Override
    public void initialize() {
        ReferenceInit.initBranch(branch);
    }

    @Override
    public int numLayers() {
        return branch.config().depth();
    }

    @Override
    public int layerId(String name, int numLayers) {
        return BranchLayers.layerId(name, 1, numLayers);
    }

    @Override
    public void close() {
        super.close();
    }
}
