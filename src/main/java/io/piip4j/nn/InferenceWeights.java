package io.piip4j.nn;

/** How a model held only for inference keeps its weights. */
public final class InferenceWeights {
    private InferenceWeights() {
    }

    /**
     * Every linear layer (and stride-k k×k transposed convolution) under {@code root} keeps only its
     * oneDNN-packed weight once it has run: one copy of those weights in memory instead of two. Only for models that are not being
     * trained (an optimizer holds the plain tensors); the plain weights come back, unpacked, when
     * asked for (converting dtypes, moving devices, saving).
     */
    public static void keepOnlyPacked(Module root) {
        if (root instanceof Linear linear) {
            linear.keepOnlyPackedWeight();
        } else if (root instanceof ConvTranspose2d up) {
            up.keepOnlyPackedWeight();
        }
        for (Module child : root.children().values()) {
            keepOnlyPacked(child);
        }
    }
}
