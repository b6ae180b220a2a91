package io.piip4j.nn;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code nn.BatchNorm2d} (mmseg's {@code SyncBN} on one process): in eval mode
 * {@code (x - running_mean) / sqrt(running_var + eps) · weight + bias} per channel; in training
 * mode normalised by the batch's own statistics, the running ones updated with momentum 0.1 and
 * {@code num_batches_tracked} counted. The running statistics and the counter are buffers, so the
 * state dict's five keys load and save as is.
 */
public final class BatchNorm2d extends Module {
    public static final double EPS = 1e-5;
    public static final double MOMENTUM = 0.1;

    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter numBatchesTracked;

    public BatchNorm2d(long channels) {
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
        this.runningMean = buffer("running_mean", channels);
        this.runningVar = buffer("running_var", channels);
        this.numBatchesTracked = buffer("num_batches_tracked");
    }

    public Tensor forward(Tensor x) {
        if (!isTraining()) {
            return F.batchNorm(x, weight.get(), bias.get(), runningMean.get(), runningVar.get(), EPS);
        }
        if (x.numel() / x.size(1) < 2) {
            // PyTorch's own check, said in our terms: one value per channel has no variance
            throw new IllegalArgumentException("BatchNorm in training needs more than one value per channel, got input "
                    + java.util.Arrays.toString(x.sizes().vec().get()) + " (use a batch of 2 or more)");
        }
        Tensor y = F.batchNormTrain(x, weight.get(), bias.get(), runningMean.get(), runningVar.get(), MOMENTUM, EPS);
        numBatchesTracked.get().add_(new Scalar(1));
        return y;
    }
}
