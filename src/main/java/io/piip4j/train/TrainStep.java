package io.piip4j.train;

import io.piip4j.data.Batches;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One optimisation step on one batch: forward, the model's named losses (label-smoothed cross
 * entropy for a classifier) summed, backward, optional gradient-norm clipping, AdamW update. Everything the step allocates natively (inputs,
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

    /**
     * What a step measured on its batch, before the update.
     *
     * @param loss   the summed loss
     * @param losses each named loss, in the model's order
     */
    record Result(double loss, long correct, Map<String, Double> losses) {
    }

    Result run(Batches.Batch b) {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = input.toTensor(b.pixels(), b.size(), b.channels(), b.height(), b.width());
            Tensor y = labels(b.labels());
            Tensor logits = model.logits(x);
            Map<String, Tensor> named = model.losses(logits, y, labelSmoothing);
            Tensor loss = sum(named);
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
            Map<String, Double> values = new LinkedHashMap<>();
            named.forEach((k, v) -> values.put(k, v.item_double()));
            return new Result(loss.item_double(), correct, values);
        }
    }

    /** The total of the named losses in their order (one loss is itself, not a copy). */
    static Tensor sum(Map<String, Tensor> named) {
        if (named.isEmpty()) {
            throw new IllegalStateException("the model returned no losses");
        }
        Tensor total = null;
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            if (e.getValue().numel() != 1) {
                throw new IllegalStateException("loss " + e.getKey() + " is not a scalar (" + e.getValue().numel() + " elements)");
            }
            total = total == null ? e.getValue() : total.add(e.getValue());
        }
        return total;
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
