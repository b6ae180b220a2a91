package io.piip4j.model;

import java.util.Arrays;

/**
 * The images a task model takes: {@code size}×{@code size} at the highest-resolution branch, and
 * whether that size is required (classifiers, whose position tables are fixed) or only nominal
 * (dense backbones, which resize their position embedding to any input).
 */
public record InputSpec(int size, boolean fixed) {

    /** Fails unless {@code shape} is a (batch, 3, height, width) batch this model takes. */
    public void check(long[] shape) {
        if (shape.length != 4 || shape[1] != 3 || shape[0] < 1) {
            throw new IllegalArgumentException("input must be a (batch, 3, height, width) tensor, got shape " + Arrays.toString(shape));
        }
        if (fixed && (shape[2] != size || shape[3] != size)) {
            throw new IllegalArgumentException("this model takes " + size + "x" + size + " images, got " + shape[2] + "x" + shape[3]);
        }
    }
}
