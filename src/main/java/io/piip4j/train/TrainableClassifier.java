package io.piip4j.train;

import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A classification model the trainer can fit: a module tree whose parameter names are the
 * reference's state-dict keys, and a forward from images (B, 3, S, S) at {@link #inputSize()} to
 * logits. Drop path acts when the module is in training mode ({@link Module#train}).
 */
public interface TrainableClassifier extends AutoCloseable {
    Module module();

    Tensor logits(Tensor images);

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
