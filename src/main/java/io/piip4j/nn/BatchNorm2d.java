package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code nn.BatchNorm2d} in eval mode (mmseg's {@code SyncBN}, reverted to BatchNorm for inference):
 * {@code (x - running_mean) / sqrt(running_var + eps) · weight + bias} per channel. The running
 * statistics and {@code num_batches_tracked} are buffers, so the state dict's five keys load as is.
 */
public final class BatchNorm2d extends Module {
    public static final double EPS = 1e-5;

    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;

    public BatchNorm2d(long channels) {
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
        this.runningMean = buffer("running_mean", channels);
        this.runningVar = buffer("running_var", channels);
        buffer("num_batches_tracked"); // a training counter, kept only so checkpoints load strictly
    }

    public Tensor forward(Tensor x) {
        return F.batchNorm(x, weight.get(), bias.get(), runningMean.get(), runningVar.get(), EPS);
    }
}
