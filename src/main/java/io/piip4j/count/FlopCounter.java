package io.piip4j.count;

import io.piip4j.config.JsonPath;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters and FLOPs of a PIIP model (or a single-branch baseline) from its configuration
 * alone: a shape-level walk that mirrors the official model code, so no weights are allocated and
 * a 6B-parameter model is counted in milliseconds.
 *
 * <pre>{@code
 * CostReport r = FlopCounter.count(configJson, "mask_rcnn_deit_tsb_1120_896_448_fpn_1x_coco_bs16", null);
 * long published = r.get(Convention.CLS_SCRIPT).totalFlops();   // 243.1 G, as in the paper's table
 * long trained   = r.get(Convention.DET_SCRIPT).totalFlops();   // 307.3 G, the backbone that is trained
 * long real      = r.get(Convention.TRUE).totalFlops();         // everything the forward pass computes
 * }</pre>
 */
public final class FlopCounter {
    private FlopCounter() {
    }

    /**
     * @param root       a released config ({@code model.backbone}), a golden case.json or a bare backbone object
     * @param configName the config's name (read_config derives a baseline's input size from it); may be null
     * @param input      the image fed to the model; null for the official scripts' rule
     */
    public static CostReport count(JsonNode root, String configName, InputSize input) {
        ModelTask task = ModelTask.of(root, configName);
        JsonPath backbone = backbone(root);
        Map<Convention, FlopReport> out = new EnumMap<>(Convention.class);
        if (task == ModelTask.CLASSIFICATION) {
            ClassificationWalk.Outcome o = ClassificationWalk.walk(backbone, configName, false);
            if (o.notComputable() != null) {
                throw new ConfigException(o.notComputable());
            }
            if (input != null && (input.height() != o.input() || input.width() != o.input())) {
                throw new IllegalArgumentException("--input " + input + ": a classification model takes its configured "
                        + o.input() + "x" + o.input() + " input (its position embeddings have a fixed size); change the "
                        + "branches' img_size to price another pyramid");
            }
            out.put(Convention.CLS_SCRIPT, authors(Convention.CLS_SCRIPT, o.tally(), o.input(), o.input()));
            out.put(Convention.DET_SCRIPT, FlopReport.unavailable(Convention.DET_SCRIPT, "a classification config: the detection script does not apply"));
            out.put(Convention.TRUE, actual(o.tally(), o.input(), o.input()));
            return new CostReport(task, out);
        }
        VitBranch.Side side = task == ModelTask.SEGMENTATION ? VitBranch.Side.SEGMENTATION : VitBranch.Side.DETECTION;
        int s = DenseWalk.defaultInput(backbone);
        int h = input == null ? s : input.height();
        int w = input == null ? s : input.width();
        Tally dense = DenseWalk.walk(backbone, side, h, w, root.get("convnext_configs"));
        out.put(Convention.DET_SCRIPT, authors(Convention.DET_SCRIPT, dense, h, w));
        out.put(Convention.TRUE, actual(dense, h, w));
        ClassificationWalk.Outcome o = ClassificationWalk.walk(backbone, configName, true);
        if (o.notComputable() != null) {
            out.put(Convention.CLS_SCRIPT, FlopReport.unavailable(Convention.CLS_SCRIPT, o.notComputable()));
        } else if (input != null && (input.height() != o.input() || input.width() != o.input())) {
            out.put(Convention.CLS_SCRIPT, FlopReport.unavailable(Convention.CLS_SCRIPT,
                    "the classification script counts a fixed " + o.input() + "x" + o.input() + " input"));
        } else {
            out.put(Convention.CLS_SCRIPT, authors(Convention.CLS_SCRIPT, o.tally(), o.input(), o.input()));
        }
        return new CostReport(task, out, dense.outputs());
    }

    static JsonPath backbone(JsonNode root) {
        if (root.has("config") && root.get("config").isObject()) {
            JsonNode config = root.get("config");
            // a whole-model case.json holds the model config itself: config.model.backbone
            return config.path("model").isObject() ? JsonPath.object(config.get("model"), "config.model").object("backbone")
                    : JsonPath.object(config, "config");
        }
        if (root.has("model")) {
            return JsonPath.object(root.get("model"), "model").object("backbone");
        }
        return JsonPath.object(root, "");
    }

    private static FlopReport authors(Convention c, Tally t, int h, int w) {
        Map<String, Long> params = new LinkedHashMap<>();
        Map<String, Long> flops = new LinkedHashMap<>();
        long hooked = 0;
        long analytic = 0;
        for (Map.Entry<String, long[]> e : t.groups().entrySet()) {
            long[] v = e.getValue();
            params.put(e.getKey(), v[0]);
            flops.put(e.getKey(), v[1] + v[2]);
            hooked += v[1];
            analytic += v[2];
        }
        return new FlopReport(c, h, w, params, flops, hooked, analytic, null);
    }

    private static FlopReport actual(Tally t, int h, int w) {
        Map<String, Long> params = new LinkedHashMap<>();
        Map<String, Long> flops = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : t.groups().entrySet()) {
            params.put(e.getKey(), e.getValue()[0]);
            flops.put(e.getKey(), e.getValue()[3]);
        }
        return new FlopReport(Convention.TRUE, h, w, params, flops, 0, 0, null);
    }
}
