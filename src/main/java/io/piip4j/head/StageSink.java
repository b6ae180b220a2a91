package io.piip4j.head;

import io.piip4j.tensor.NdArray;

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
}
