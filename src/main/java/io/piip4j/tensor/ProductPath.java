package io.piip4j.tensor;

/** The kernels that run a matrix product of inference (linear layers, the simple FPN's transposed convolutions). */
public enum ProductPath {
    /** oneDNN's inner product on a weight packed once into its blocked layout (the fast path on x86-64). */
    ONEDNN_PACKED("onednn", "oneDNN on packed weights"),
    /**
     * bfloat16 on a CPU without bfloat16 kernels (AVX2-only): the same bfloat16 values multiplied in
     * float32 by oneDNN, the result rounded back to bfloat16. The numbers of a bfloat16 product with
     * float32 accumulation, at float32 speed; libtorch's generic bfloat16 kernels run at ~2 GFLOP/s.
     */
    ONEDNN_WIDENED("onednn-fp32", "oneDNN in float32 on bfloat16 values"),
    /** libtorch's own products ({@code torch.linear}): every CPU and device, and the only path with gradients. */
    LIBTORCH("libtorch", "libtorch's own kernels");

    private final String id;
    private final String description;

    ProductPath(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The short name used by {@link ProductPaths#SWITCH} and in machine-readable output. */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }
}
