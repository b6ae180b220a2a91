package io.piip4j.nn;

import org.bytedeco.pytorch.Tensor;

/** {@code nn.Embedding(count, dim)}: a {@code weight} table of {@code count} rows. */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(long count, long dim) {
        this.weight = parameter("weight", count, dim);
    }

    /** The whole table (count × dim). */
    public Tensor weight() {
        return weight.get();
    }
}
