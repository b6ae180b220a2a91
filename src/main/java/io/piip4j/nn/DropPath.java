package io.piip4j.nn;

import io.piip4j.tensor.F;
import java.util.Arrays;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Stochastic depth as timm's {@code DropPath}: in training, each sample's residual branch is
 * dropped with probability {@code rate} and kept ones are scaled by {@code 1/(1-rate)}, so the
 * expectation equals the evaluation-time identity. Draws from the engine's default generator, so
 * seeding it makes a run reproducible.
 */
public final class DropPath {
    private DropPath() {
    }

    public static Tensor apply(Tensor x, double rate, boolean training) {
        if (rate <= 0 || !training) {
            return x;
        }
        double keep = 1.0 - rate;
        long[] shape = new long[(int) x.dim()];
        Arrays.fill(shape, 1);
        shape[0] = x.size(0);
        Tensor mask = torch.empty(shape).bernoulli_(keep, new GeneratorOptional()).to(x.device(), x.scalar_type());
        return x.mul(F.div(mask, keep));
    }
}
