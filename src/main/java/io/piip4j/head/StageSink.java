package io.piip4j.head;

import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Receives intermediate results of a detector by stage name, for parity tests and debugging; a stage
 * produced per image is reported once per image, in image order.
 */
@FunctionalInterface
public interface StageSink {
    StageSink NONE = (stage, value) -> {
    };

    void put(String stage, NdArray value);

    default boolean active() {
        return this != NONE;
    }

    /** Reports each tensor (a level, an image) under {@code stage}, copied out only where someone listens. */
    default void putAll(String stage, List<Tensor> values) {
        if (active()) {
            for (Tensor t : values) {
                put(stage, Tensors.toNdArray(t));
            }
        }
    }
}
