package io.piip4j.weights;

import java.util.List;

/**
 * What loading a state dict into a model did, by key: as PyTorch's {@code load_state_dict}
 * message, plus the shape mismatches (which PyTorch raises on).
 */
public record LoadReport(int loaded, List<String> missing, List<String> unexpected, List<String> shapeMismatches) {

    public boolean clean() {
        return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty();
    }

    /** One line: counts and the first few keys of each kind. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(loaded).append(" tensors loaded");
        append(sb, "missing", missing);
        append(sb, "unexpected", unexpected);
        append(sb, "shape mismatch", shapeMismatches);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String what, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        sb.append("; ").append(keys.size()).append(' ').append(what).append(": ");
        int shown = Math.min(3, keys.size());
        sb.append(String.join(", ", keys.subList(0, shown)));
        if (keys.size() > shown) {
            sb.append(", …");
        }
    }
}
