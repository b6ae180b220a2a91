package io.piip4j.count;

import java.util.Locale;

/**
 * How a model's cost is counted. FLOPs are multiply-adds throughout.
 *
 * <p>The two authors' conventions are what the official scripts print: mmcv's
 * {@code get_model_complexity_info} (forward hooks on exact module types: convolutions, linear
 * layers, {@code nn.LayerNorm}/{@code nn.GroupNorm}, ReLU, pooling; not GELU, RMSNorm, custom
 * LayerNorms, matmuls, interpolation or the deformable sampling) plus the scripts' analytic
 * attention terms computed from the configured resolutions. They count different models: the
 * classification script builds the classification-style PIIP (also from a detection config, which
 * is how the README's DeiT-branch and InternViT-6B detection/segmentation figures were made), the
 * detection script the dense backbone that is trained.
 */
public enum Convention {
    /** {@code classification/get_flops.py}: the classification-style model (from any config it can convert). */
    CLS_SCRIPT("authors-cls", "authors' classification script (get_flops.py)"),
    /** {@code mmdetection/get_flops_det.py}: the dense backbone as trained, stopped before its FPN outputs. */
    DET_SCRIPT("authors-det", "authors' detection script (get_flops_det.py)"),
    /** Every multiply-add and elementwise operation the forward pass of the model as built performs. */
    TRUE("true", "true cost of the forward pass as built");

    private final String id;
    private final String description;

    Convention(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** Short stable name used in JSON output and on the command line. */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public static Convention parse(String s) {
        for (Convention c : values()) {
            if (c.id.equals(s) || c.name().equalsIgnoreCase(s.replace('-', '_'))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown convention '" + s + "' (expected authors-cls, authors-det or true)");
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
