package io.piip4j.detector.train;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** The loss functions of mmdetection's two-stage heads, as differentiable tensor expressions. */
final class Losses {
    private Losses() {
    }

    /**
     * Binary cross-entropy on logits, {@code Σ w · (max(x, 0) − x·t + log(1 + e^−|x|)) / avgFactor}
     * (the numerically stable form torch uses).
     */
    static Tensor sigmoidBce(Tensor logits, Tensor target, Tensor weight, double avgFactor) {
        Tensor l = logits.clamp_min(new org.bytedeco.pytorch.Scalar(0.0)).sub(logits.mul(target))
                .add(logits.abs().neg().exp().log1p());
        return l.mul(weight).sum().div(new org.bytedeco.pytorch.Scalar(avgFactor));
    }

    /** {@code Σ w · |pred − target| / avgFactor} (L1Loss with an average factor). */
    static Tensor l1(Tensor pred, Tensor target, Tensor weight, double avgFactor) {
        return pred.sub(target).abs().mul(weight).sum().div(new org.bytedeco.pytorch.Scalar(avgFactor));
    }

    /** Softmax cross-entropy averaged over the rows. */
    static Tensor softmaxCrossEntropy(Tensor logits, int[] labels) {
        Tensor target = Tensors.fromInts(labels, labels.length).to(torch.ScalarType.Long);
        return torch.cross_entropy_loss(logits, target, new TensorOptional(), 1 /* mean */, -100, 0.0);
    }

    /** Rows {@code rows[i]}, columns {@code cols[i]·width … +width} of a (N, C·width) tensor: class-specific outputs. */
    static Tensor pick(Tensor x, int[] rows, int[] cols, int width) {
        long perRow = x.size(1);
        int[] flat = new int[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < width; k++) {
                flat[i * width + k] = (int) (rows[i] * perRow + (long) cols[i] * width + k);
            }
        }
        return x.reshape(-1).index_select(0, Tensors.fromInts(flat, flat.length).to(torch.ScalarType.Long)).reshape(rows.length, width);
    }
}
