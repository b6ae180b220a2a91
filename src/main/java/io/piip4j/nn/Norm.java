package io.piip4j.nn;

import org.bytedeco.pytorch.Tensor;

/** A normalisation over the last (channel) dimension of token sequences. */
public interface Norm {
    Tensor forward(Tensor x);

    /** The reference's norm layers by name: "ln" → LayerNorm, "RMSNorm" → RMSNorm (eps 1e-6). */
    static Module create(String type, long dim, double eps) {
        return switch (type) {
            case "ln", "LayerNorm" -> new LayerNorm(dim, eps);
            case "RMSNorm" -> new RMSNorm(dim, eps);
            default -> throw new IllegalArgumentException("unknown norm layer type '" + type + "'");
        };
    }
}
