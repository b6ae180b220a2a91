package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole DINO against the official run ({@code dino_*} golden cases): every stage of io.pth
 * within the README's bound (|port − reference| ≤ 1e-4 · max(1, max |reference|); the proposals'
 * +inf entries at the same places), the two-stage top-k the same tokens (padded/unusable tokens,
 * which are interchangeable, only as a group), and the detections the same set of (query, label)
 * pairs with boxes and scores within the bound.
 */
@RunsGolden("dino_*")
class DinoGoldenTest {
    /** Stages compared tensor by tensor. */
    private static final String[] STAGES = {"backbone", "neck", "masks", "pos_embed", "valid_ratios", "encoder_memory",
        "output_memory", "output_proposals", "enc_outputs_class", "enc_outputs_coord_unact", "topk_score", "topk_anchor",
        "decoder_query_sine_embed", "decoder_query_pos", "decoder_layer_out", "decoder_refine_deltas", "hs", "inter_references",
        "all_cls_scores", "all_bbox_preds"};

    static Stream<String> cases() {
        return Golden.claimed(DinoGoldenTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyStageAgrees(String name) {
        Path dir = Golden.require().resolve(name);
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        Map<String, Object> expected = Golden.map(io.get("output"));
        List<ImageMeta> metas = MaskRcnnConfig.imageMetas(dir.resolve("case.json"));
        Map<String, List<NdArray>> got = new LinkedHashMap<>();
        List<Detections> dets;
        try (Dino model = Dino.load(dir.resolve("case.json"), PthReader.readStateDict(dir.resolve("weights.pth")), "weights.pth")) {
            assertEquals(Golden.numParameters(dir), model.numParameters(), "every parameter of the reference model");
            dets = model.detect((NdArray) io.get("input"), metas, true,
                    (stage, value) -> got.computeIfAbsent(stage, k -> new ArrayList<>()).add(value));
        }
        List<String> failures = new ArrayList<>();
        for (String stage : STAGES) {
            List<NdArray> ref = arrays(expected.get(stage));
            List<NdArray> port = got.getOrDefault(stage, List.of());
            if (ref.size() != port.size()) {
                failures.add(stage + ": " + port.size() + " tensors, reference " + ref.size());
                continue;
            }
            double worstRatio = 0;
            for (int i = 0; i < ref.size(); i++) {
                double[] d = deviation(stage + "[" + i + "]", ref.get(i), port.get(i), failures);
                worstRatio = Math.max(worstRatio, d[0] / d[1]);
            }
            System.out.printf("%s %-26s %.3g of the bound%n", name, stage, worstRatio);
        }
        checkTopK(expected, got, failures);
        checkDetections(expected, got, dets, failures);
        if (!failures.isEmpty()) {
            fail(name + ": " + failures.size() + " disagreements: " + String.join("; ", failures.subList(0, Math.min(12, failures.size()))));
        }
    }

    /** The top-k tokens: the same ones in the same order, except that unusable (+inf) proposals stand for each other. */
    private static void checkTopK(Map<String, Object> expected, Map<String, List<NdArray>> got, List<String> failures) {
        NdArray ref = arrays(expected.get("topk_indices")).get(0);
        List<NdArray> port = got.getOrDefault("topk_indices", List.of());
        if (port.size() != 1 || !Arrays.equals(ref.shape(), port.get(0).shape())) {
            failures.add("topk_indices: missing or shaped otherwise");
            return;
        }
        float[] proposals = arrays(expected.get("output_proposals")).get(0).toFloats();
        long[] s = ref.shape();
        int len = (int) arrays(expected.get("output_proposals")).get(0).shape()[1];
        float[] r = ref.toFloats();
        float[] p = port.get(0).toFloats();
        int interchangeable = 0;
        for (int b = 0; b < s[0]; b++) {
            for (int k = 0; k < s[1]; k++) {
                int i = (int) (b * s[1] + k);
                boolean refUnusable = Float.isInfinite(proposals[(b * len + (int) r[i]) * 4]);
                boolean portUnusable = Float.isInfinite(proposals[(b * len + (int) p[i]) * 4]);
                if (refUnusable ? !portUnusable : r[i] != p[i]) {
                    failures.add("topk_indices[" + b + "][" + k + "]: " + (int) p[i] + ", reference " + (int) r[i]);
                }
                interchangeable += refUnusable ? 1 : 0;
            }
        }
        System.out.printf("topk_indices: %d ranks agree exactly, %d are unusable tokens (interchangeable)%n",
                r.length - interchangeable, interchangeable);
    }

    /** Per image the same (query, label) pairs; each pair's box and score within the bound. */
    private static void checkDetections(Map<String, Object> expected, Map<String, List<NdArray>> got, List<Detections> dets,
            List<String> failures) {
        List<NdArray> refBoxes = arrays(expected.get("det_bboxes"));
        List<NdArray> refUnscaled = arrays(expected.get("det_bboxes_img_scale"));
        List<NdArray> refLabels = arrays(expected.get("det_labels"));
        List<NdArray> refQueries = arrays(expected.get("det_query_index"));
        List<NdArray> portQueries = got.getOrDefault("det_query_index", List.of());
        List<NdArray> portUnscaled = got.getOrDefault("det_bboxes_img_scale", List.of());
        assertEquals(refBoxes.size(), dets.size(), "images");
        assertEquals(refBoxes.size(), portQueries.size(), "det_query_index per image");
        double worstRatio = 0;
        for (int img = 0; img < dets.size(); img++) {
            Detections d = dets.get(img);
            float[] labels = refLabels.get(img).toFloats();
            float[] queries = refQueries.get(img).toFloats();
            float[] pq = portQueries.get(img).toFloats();
            if (d.count() != labels.length) {
                failures.add("detections[" + img + "]: " + d.count() + ", reference " + labels.length);
                continue;
            }
            Map<Long, Integer> refRow = new HashMap<>();
            for (int i = 0; i < labels.length; i++) {
                refRow.put(key(queries[i], labels[i]), i);
            }
            float[] rb = refBoxes.get(img).toFloats();
            float[] ru = refUnscaled.get(img).toFloats();
            float[] pu = portUnscaled.get(img).toFloats();
            // the README's bound for each tensor: det_bboxes (rescaled) and det_bboxes_img_scale
            double bound = 1e-4 * Math.max(1, maxAbs(rb));
            double boundUnscaled = 1e-4 * Math.max(1, maxAbs(ru));
            for (int i = 0; i < d.count(); i++) {
                Integer j = refRow.get(key(pq[i], d.labels()[i]));
                if (j == null) {
                    failures.add("detections[" + img + "]: (query " + (int) pq[i] + ", label " + d.labels()[i] + ") not in the reference's");
                    continue;
                }
                for (int c = 0; c < 5; c++) {
                    double dev = Math.abs(d.boxes()[5 * i + c] - rb[5 * j + c]);
                    double devUnscaled = Math.abs(pu[5 * i + c] - ru[5 * j + c]);
                    worstRatio = Math.max(worstRatio, Math.max(dev / bound, devUnscaled / boundUnscaled));
                    if (!(dev <= bound) || !(devUnscaled <= boundUnscaled)) {
                        failures.add("detections[" + img + "] (query " + (int) pq[i] + ", label " + d.labels()[i] + ")[" + c
                                + "]: deviation " + dev + " (before rescaling " + devUnscaled + ")");
                    }
                }
            }
            for (int i = 1; i < d.count(); i++) {
                if (d.boxes()[5 * i + 4] > d.boxes()[5 * i - 1]) {
                    failures.add("detections[" + img + "]: not in descending score order at " + i);
                }
            }
        }
        System.out.printf("detections (query, label) sets agree; boxes and scores %.3g of the bound%n", worstRatio);
    }

    private static long key(float query, float label) {
        return (long) query * 1_000_000L + (long) label;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anotherClassCountIsRefusedNamingKeyAndShapes(String name, @TempDir Path tmp) throws Exception {
        Path dir = Golden.require().resolve(name);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(dir.resolve("case.json").toFile());
        ((ObjectNode) root.get("config").get("model").get("bbox_head")).put("num_classes", 90);
        Path config = tmp.resolve("case.json");
        json.writeValue(config.toFile(), root);
        Map<String, NdArray> weights = PthReader.readStateDict(dir.resolve("weights.pth"));
        ConfigException e = assertThrows(ConfigException.class, () -> Dino.load(config, weights, "weights.pth"));
        long dim = weights.get("bbox_head.cls_branches.0.weight").shape()[1];
        assertEquals("weights.pth: bbox_head.cls_branches.0.weight has shape [80, " + dim + "] in the checkpoint but [90, " + dim
                + "] in the model (num_classes 90 in the config)", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void configErrorsNameTheKey(String name, @TempDir Path tmp) throws Exception {
        Path dir = Golden.require().resolve(name);
        ObjectMapper json = new ObjectMapper();
        JsonNode original = json.readTree(dir.resolve("case.json").toFile());
        ObjectNode root = original.deepCopy();
        ((ObjectNode) root.at("/config/model/bbox_head/transformer/encoder/transformerlayers")).putArray("operation_order")
                .add("norm").add("self_attn").add("norm").add("ffn");
        ConfigException e = assertThrows(ConfigException.class, () -> DinoConfig.read(root, "case.json"));
        assertTrue(e.getMessage().startsWith("case.json: model.bbox_head.transformer.encoder.transformerlayers.operation_order: expected"),
                e.getMessage());
        ObjectNode neck = original.deepCopy();
        ((ObjectNode) neck.at("/config/model/neck")).put("out_channels", 48);
        e = assertThrows(ConfigException.class, () -> DinoConfig.read(neck, "case.json"));
        assertTrue(e.getMessage().startsWith("case.json: model.neck: out_channels 48"), e.getMessage());
    }

    /** {max |a − e|, the README's bound}, recording a failure; +inf entries must be +inf in both, the bound over the finite ones. */
    private static double[] deviation(String what, NdArray expected, NdArray actual, List<String> failures) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            failures.add(what + ": shape " + Arrays.toString(actual.shape()) + ", reference " + Arrays.toString(expected.shape()));
            return new double[] {0, 1};
        }
        float[] e = expected.toFloats();
        float[] a = actual.toFloats();
        double scale = 1;
        double worst = 0;
        int infMismatch = 0;
        for (int i = 0; i < e.length; i++) {
            if (Float.isInfinite(e[i]) || Float.isInfinite(a[i])) {
                infMismatch += e[i] == a[i] ? 0 : 1;
                continue;
            }
            scale = Math.max(scale, Math.abs(e[i]));
            double d = Math.abs((double) a[i] - e[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        double bound = 1e-4 * scale;
        if (infMismatch > 0) {
            failures.add(what + ": " + infMismatch + " entries infinite in one but not the other");
        }
        if (!(worst <= bound)) {
            failures.add(what + ": max |port - reference| " + worst + " > bound " + bound);
        }
        return new double[] {worst, bound};
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static List<NdArray> arrays(Object o) {
        List<NdArray> out = new ArrayList<>();
        if (o instanceof NdArray a) {
            out.add(a);
        } else if (o instanceof List<?> list) {
            for (Object x : list) {
                out.add((NdArray) x);
            }
        } else if (o != null) {
            fail("unexpected stage value " + o.getClass());
        }
        return out;
    }
}
