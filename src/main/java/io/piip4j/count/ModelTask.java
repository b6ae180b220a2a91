package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** What a configuration is for, which decides the model the official code builds from it. */
public enum ModelTask {
    CLASSIFICATION,
    DETECTION,
    SEGMENTATION;

    /**
     * From a config's layout: a released config's {@code model} has {@code decode_head}
     * (mmsegmentation) or a neck/heads (mmdetection); a backbone without {@code type} is a
     * classification config; a golden case.json says its task.
     */
    public static ModelTask of(JsonNode root, String configName) {
        String name = configName == null ? "" : configName;
        if (root.has("config") && root.has("task")) {
            String task = root.get("task").asText();
            return task.startsWith("classification") ? CLASSIFICATION : task.startsWith("segmentation") ? SEGMENTATION : DETECTION;
        }
        JsonNode model = root.get("model");
        if (model != null && model.isObject()) {
            if (model.has("decode_head")) {
                return SEGMENTATION;
            }
            if (model.has("neck") || model.has("rpn_head") || model.has("roi_head") || model.has("bbox_head")) {
                return DETECTION;
            }
            root = model.path("backbone");
        }
        JsonNode backbone = root.has("config") ? root.get("config") : root;
        // the same rule as ConfigReader: PIIP branches sized by img_size (no real_size) and no
        // FPN options describe the classification model
        boolean piipOrUntyped = !backbone.has("type") || backbone.get("type").asText().startsWith("PIIP");
        boolean dense = backbone.path("branch1").has("real_size") || backbone.has("with_simple_fpn") || backbone.has("out_indices");
        if (piipOrUntyped && backbone.has("branch1") && !dense || !backbone.has("type") && !dense) {
            return CLASSIFICATION;
        }
        return name.contains("upernet") || name.contains("ade20k") ? SEGMENTATION : DETECTION;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
