package io.piip4j.llava.tower;

import java.util.Map;

/**
 * Attention heads of the CLIP models the release's configs name, the one shape a checkpoint's
 * tensors do not show. Every OpenAI CLIP vision model uses 64-wide heads, so that is the rule for
 * other names; the golden fixtures' shrunk stand-ins use 16-wide heads.
 */
public final class PretrainedHeads {
    private static final Map<String, Integer> HEADS = Map.of(
            "golden/clip-l-shrunk", 4,
            "golden/clip-b-shrunk", 2);

    private PretrainedHeads() {
    }

    public static int of(String pretrained, long hidden) {
        Integer h = HEADS.get(pretrained);
        if (h != null) {
            return h;
        }
        if (hidden % 64 != 0) {
            throw new IllegalArgumentException("CLIP width " + hidden + " of '" + pretrained + "' is not a multiple of the 64-wide heads");
        }
        return (int) (hidden / 64);
    }
}
