package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** InternViT's RMSNorm: {@code weight · x / sqrt(mean(x²) + eps)}, computed in float32. */
public final class RMSNorm extends Module implements Norm {
    private final Parameter weight;
    private final double eps;

    public RMSNorm(long dim, double eps) {
        this.weight = parameter("weight", dim);
        this.eps = eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        ScalarType type = x.scalar_type();
        Tensor xf = x.to(ScalarType.Float);
        Tensor variance = xf.pow(new org.bytedeco.pytorch.Scalar(2.0)).mean(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor normed = xf.mul(F.add(variance, eps).rsqrt());
        return weight.get().mul(normed.to(type));
    }
}
