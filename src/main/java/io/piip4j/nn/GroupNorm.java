package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/** {@code nn.GroupNorm(groups, channels)} with eps 1e-5, on N×C×H×W. */
public final class GroupNorm extends Module {
    private final long groups;
    private final Parameter weight;
    private final Parameter bias;

    public GroupNorm(long groups, long channels) {
        this.groups = groups;
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
    }

    public Tensor forward(Tensor x) {
        return F.groupNorm(x, groups, weight.get(), bias.get(), 1e-5);
    }
}
