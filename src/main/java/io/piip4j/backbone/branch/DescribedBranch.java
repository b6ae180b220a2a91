package io.piip4j.backbone.branch;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.BranchConfig;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A branch kind this port can describe but not yet run (BEiT, Uni-Perceiver, ConvNeXt): its
 * parameters are declared with the reference's names and shapes, so {@code piip info} counts it
 * and checkpoints can be checked against it; running it fails with the kind named.
 */
abstract class DescribedBranch extends Branch {
    DescribedBranch(BranchConfig config) {
        super(config);
    }

    @Override
    public final Embedded embed(Tensor image) {
        throw unsupported(config);
    }

    @Override
    public final List<? extends TokenBlock> blocks() {
        throw unsupported(config);
    }
}
