package io.piip4j.backbone;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.interaction.DeformInputs;
import io.piip4j.backbone.merge.BranchMerge;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The PIIP image classifier ({@code classification/piip_{2,3,4}branch.py}): the input image is
 * resized for each branch, the branches interact, and the result is either the mean of the
 * branches' own heads ({@code separate_head}) or the branches merged into one map (GroupNorm /
 * Linear, learnable weights {@code w1…wN}) pooled into one head.
 */
public final class PiipClassifier extends PiipNetwork {
    private final PiipConfig config;
    private final List<Parameter> branchWeights = new ArrayList<>();
    private final List<Branch> branches = new ArrayList<>();
    private final Pyramid pyramid;
    private final List<Module> merges = new ArrayList<>();
    private final LayerNorm clsNorm;
    private final Linear clsHead;

    public PiipClassifier(PiipConfig config) {
        if (config.task() != PiipConfig.Task.CLASSIFICATION) {
            throw new ConfigException("this is a dense-prediction backbone config, not a classification one");
        }
        for (BranchConfig b : config.branches()) {
            if (b.patchSize() != 16) {
                throw new ConfigException(b.name() + ".patch_size: classification models use patch size 16, got " + b.patchSize());
            }
        }
        this.config = config;
        int n = config.numBranches();
        if (!config.separateHead()) {
            for (int i = 1; i <= n; i++) {
                branchWeights.add(parameter("w" + i));
            }
        }
        for (BranchConfig b : config.branches()) {
            branches.add(child(b.name(), Branch.create(b, config.separateHead())));
        }
        this.pyramid = new Pyramid(config, branches, child("interactions", Pyramid.interactions(config)));
        if (!config.separateHead()) {
            long dim1 = config.branches().get(0).embedDim();
            for (int i = 0; i < n; i++) {
                merges.add(child("merge_branch" + (i + 1), BranchMerge.create(config.branches().get(i).embedDim(), dim1, i == 0)));
            }
            if (config.useClsHead()) {
                this.clsNorm = child("cls_norm", new LayerNorm(dim1, 1e-6));
                this.clsHead = child("cls_head", new Linear(dim1, config.numClasses()));
            } else {
                this.clsNorm = null;
                this.clsHead = null;
            }
        } else {
            this.clsNorm = null;
            this.clsHead = null;
        }
    }

    @Override
    public PiipConfig config() {
        return config;
    }

    @Override
    public List<Tensor> forwardOutputs(Tensor image) {
        return List.of(forward(image));
    }

    public List<Branch> branches() {
        return branches;
    }

    /** The branches and interactions, as the forward runs them. */
    public Pyramid pyramid() {
        return pyramid;
    }

    /** The resolution the model takes: the last (highest-resolution) branch's. */
    public int inputSize() {
        return config.branches().get(config.numBranches() - 1).imgSize();
    }

    public int numClasses() {
        return config.separateHead() ? config.branches().get(0).numClasses() : config.numClasses();
    }

    /** images (B, 3, S, S) at the last branch's resolution → logits (B, classes). */
    public Tensor forward(Tensor image) {
        int n = config.numBranches();
        List<Tensor> images = pyramid.resize(image);
        double[] scales = new double[n - 1];
        for (int i = 0; i + 1 < n; i++) {
            scales[i] = (double) config.branches().get(i).imgSize() / config.branches().get(i + 1).imgSize();
        }
        DeformInputs[][] where = Pyramid.deformInputs(config, images, scales);
        List<Branch.Embedded> x = pyramid.run(pyramid.embed(images), where);

        if (config.separateHead()) {
            Tensor sum = null;
            for (int i = 0; i < n; i++) {
                Tensor logits = branches.get(i).headLogits(x.get(i).tokens());
                sum = sum == null ? logits : sum.add(logits);
            }
            return F.div(sum, n);
        }
        Branch.Embedded lastMap = x.get(n - 1);
        Tensor out = null;
        for (int i = 0; i < n; i++) {
            Branch.Embedded e = x.get(i);
            long b = e.tokens().size(0);
            Tensor map = e.tokens().transpose(1, 2).reshape(b, branches.get(i).embedDim(), e.h(), e.w());
            map = BranchMerge.forward(merges.get(i), map);
            if (i < n - 1) {
                ScalarType t = map.scalar_type();
                map = F.interpolateBilinear(map.to(ScalarType.Float), lastMap.h(), lastMap.w()).to(t);
            }
            Tensor weighted = map.mul(branchWeights.get(i).get());
            out = out == null ? weighted : out.add(weighted);
        }
        if (clsHead == null) {
            return out;
        }
        long b = out.size(0);
        Tensor tokens = out.reshape(b, out.size(1), lastMap.h() * lastMap.w()).transpose(1, 2);
        Tensor pooled = clsNorm.forward(tokens).mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        return clsHead.forward(pooled);
    }
}
