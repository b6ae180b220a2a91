package io.piip4j.train;

import io.piip4j.nn.Module;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A classification model the trainer can fit: a module tree whose parameter names are the
 * reference's state-dict keys, and a forward from images (B, 3, S, S) at {@link #inputSize()} to
 * logits. Drop path acts when the module is in training mode ({@link Module#train}).
 */
public interface TrainableClassifier extends AutoCloseable {
    Module module();

    /** The name of the classification loss, as mmdet / mmcls name it. */
    String LOSS_CLS = "loss_cls";

    Tensor logits(Tensor images);

    /**
     * The named losses of a training batch from the logits of this model's forward, each a scalar
     * (as the reference's heads return a dictionary of losses): the trainer sums them, in this
     * map's order, for the backward pass and logs each. The classifier's is
     * {@code {"loss_cls": cross entropy with label smoothing}}.
     *
     * @param labels (B) int64 class indices
     */
    default Map<String, Tensor> losses(Tensor logits, Tensor labels, double labelSmoothing) {
        return Map.of(LOSS_CLS, torch.cross_entropy_loss(logits, labels, new TensorOptional(), 1 /* mean */, -100,
                labelSmoothing));
    }

    int inputSize();

    int numClasses();

    /** Initialises every parameter as the reference's constructor does (the default generator must be seeded). */
    void initialize();

    /**
     * The layer of a parameter for layer-wise learning-rate decay, as the reference's
     * {@code get_num_layer_for_vit}: 0 for embeddings, 1… for blocks, {@code numLayers + 1} for
     * everything after the blocks (interactions, merging, heads).
     */
    int layerId(String name, int numLayers);

    /** The depth that layer decay counts (the deepest branch's depth). */
    int numLayers();

    @Override
    default void close() {
        module().close();
    }
}
