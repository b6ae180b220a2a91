package io.piip4j.train;

import io.piip4j.data.Batches;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One optimisation step on one batch: forward, label-smoothed cross entropy, backward, optional
 * gradient-norm clipping, AdamW update. Everything the step allocates natively (inputs,
 * activations, the autograd graph, temporary handles) belongs to a {@code PointerScope} that is
 * closed when the step returns, so memory stays flat from step to step; the parameters and the
 * optimizer's moments were created outside it and persist.
 */
final class TrainStep {
    private final TrainableClassifier model;
    private final AdamW optimizer;
    private final List<Parameter> params;
    private final InputPipeline input;
    private final double labelSmoothing;
    private final double clipGrad;

    TrainStep(TrainableClassifier model, AdamW optimizer, List<Parameter> params, InputPipeline input, double labelSmoothing,
            double clipGrad) {
        this.model = model;
        this.optimizer = optimizer;
        this.params = params;
        this.input = input;
        this.labelSmoothing = labelSmoothing;
        this.clipGrad = clipGrad;
    }

    /** Returns {mean loss, number of correct predictions} of the batch (before the update). */
    double[] run(Batches.Batch b) {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = input.toTensor(b.pixels(), b.size(), b.channels(), b.height(), b.width());
            Tensor y = labels(b.labels());
            Tensor logits = model.logits(x);
            Tensor loss = torch.cross_entropy_loss(logits, y, new TensorOptional(), 1 /* mean */, -100, labelSmoothing);
            optimizer.zeroGrad();
            loss.backward();
            if (clipGrad > 0) {
                TensorVector all = new TensorVector();
                for (Parameter p : params) {
                    all.push_back(p.get());
                }
                torch.clip_grad_norm_(all, clipGrad, 2.0, false);
            }
            optimizer.step();
            long correct = logits.argmax(new LongOptional(1), false).eq(y).sum().item_long();
            return new double[] {loss.item_double(), correct};
        }
    }

    static Tensor labels(int[] y) {
        ByteBuffer b = ByteBuffer.allocate(y.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : y) {
            b.putLong(v);
        }
        b.flip();
        return Tensors.fromNdArray(new NdArray(DType.INT64, new long[] {y.length}, b));
    }
}
