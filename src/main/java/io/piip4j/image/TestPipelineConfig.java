package io.piip4j.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;

/**
 * What the detection and segmentation test pipelines both read from an mmdetection /
 * mmsegmentation config: the {@code MultiScaleFlipAug} step of {@code test_pipeline} with its one
 * {@code img_scale} (test-time augmentation over several scales, ratios or flips is refused), and
 * the normalisation ({@code img_norm_cfg}, or the step's own {@code Normalize}). A golden case.json
 * keeps the config under {@code config}. Errors name {@code src} and the key.
 *
 * @param aug      the {@code MultiScaleFlipAug} step, or null where the config has no test pipeline
 * @param imgScale its {@code img_scale} as (width, height), or null without a pipeline
 */
public record TestPipelineConfig(String src, JsonNode aug, int[] imgScale, JsonNode configNorm) {

    /** mean, std (per channel, in the config's channel order) and whether images are converted to RGB first. */
    public record Normalization(double[] mean, double[] std, boolean toRgb) {
    }

    public static TestPipelineConfig read(JsonNode root, String src) {
        JsonNode cfg = root.has("config") && root.get("config").isObject() ? root.get("config") : root;
        JsonNode pipeline = cfg.get("test_pipeline");
        if (pipeline == null || pipeline.isNull()) {
            return new TestPipelineConfig(src, null, null, cfg.path("img_norm_cfg"));
        }
        String where = src + ": test_pipeline";
        JsonNode aug = null;
        for (JsonNode t : pipeline) {
            if (t.path("type").asText().equals("MultiScaleFlipAug")) {
                aug = t;
            }
        }
        if (aug == null) {
            throw new ConfigException(where + ": no MultiScaleFlipAug step");
        }
        JsonNode s = aug.get("img_scale");
        if (s != null && s.isArray() && s.size() > 0 && s.get(0).isArray()) {
            if (s.size() != 1) {
                throw new ConfigException(where + ".img_scale: test-time augmentation over " + s.size() + " scales is not supported");
            }
            s = s.get(0);
        }
        if (s == null || !s.isArray() || s.size() != 2 || !s.get(0).canConvertToInt() || !s.get(1).canConvertToInt()
                || s.get(0).asInt() < 1 || s.get(1).asInt() < 1) {
            throw new ConfigException(where + ".img_scale: expected [width, height], got " + s);
        }
        if (aug.path("flip").asBoolean(false) || aug.has("img_ratios") && !aug.get("img_ratios").isNull()) {
            throw new ConfigException(where + ": flip and multi-ratio test-time augmentation are not supported");
        }
        return new TestPipelineConfig(src, aug, new int[] {s.get(0).asInt(), s.get(1).asInt()}, cfg.path("img_norm_cfg"));
    }

    /** Where errors about the pipeline point. */
    public String where() {
        return src + ": test_pipeline";
    }

    /** The transforms inside {@code MultiScaleFlipAug} (none without a pipeline). */
    public Iterable<JsonNode> transforms() {
        return aug == null ? java.util.List.of() : aug.path("transforms");
    }

    /** The normalisation: the pipeline's {@code Normalize} step where it has one, else {@code img_norm_cfg}. */
    public Normalization normalization() {
        JsonNode norm = configNorm;
        for (JsonNode t : transforms()) {
            if (t.path("type").asText().equals("Normalize")) {
                norm = t;
            }
        }
        if (norm == null || !norm.isObject()) {
            throw new ConfigException(src + ": img_norm_cfg: missing (mean, std, to_rgb)");
        }
        return new Normalization(triple(norm, "mean"), triple(norm, "std"), norm.path("to_rgb").asBoolean(true));
    }

    private double[] triple(JsonNode norm, String key) {
        JsonNode a = norm.get(key);
        if (a == null || !a.isArray() || a.size() != 3) {
            throw new ConfigException(src + ": img_norm_cfg." + key + ": expected 3 numbers, got " + a);
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!a.get(i).isNumber()) {
                throw new ConfigException(src + ": img_norm_cfg." + key + "[" + i + "]: expected a number, got " + a.get(i));
            }
            out[i] = a.get(i).asDouble();
        }
        if (key.equals("std") && (out[0] == 0 || out[1] == 0 || out[2] == 0)) {
            throw new ConfigException(src + ": img_norm_cfg.std: must be non-zero, got " + a);
        }
        return out;
    }
}
