package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole Mask R-CNN against the official mmdetection 2.25 run ({@code maskrcnn*} golden cases):
 * every stage within the README's bound (|port − reference| ≤ 1e-4 · max(1, max |reference|)), the
 * same detections (boxes within the bound, labels, order) and each mask differing from the
 * reference in at most 0.5% of its pixels.
 */
@RunsGolden("maskrcnn_*")
class MaskRcnnGoldenTest {
    private static final String[] STAGES = {"backbone", "neck", "rpn_cls_score", "rpn_bbox_pred", "proposals",
        "bbox_roi_feats_first32", "rcnn_cls_score", "rcnn_bbox_pred", "det_bboxes", "det_labels", "mask_roi_feats_first8",
        "mask_logits"};

    static Stream<String> cases() {
        return Golden.claimed(MaskRcnnGoldenTest.class);
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
        try (MaskRcnn model = MaskRcnn.load(dir.resolve("case.json"), dir.resolve("weights.pth"))) {
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
            double worst = 0;
            double worstRatio = 0;
            for (int i = 0; i < ref.size(); i++) {
                NdArray e = ref.get(i);
                NdArray a = port.get(i);
                if (!Arrays.equals(e.shape(), a.shape())) {
                    failures.add(stage + "[" + i + "]: shape " + Arrays.toString(a.shape()) + ", reference " + Arrays.toString(e.shape()));
                    worst = Double.NaN;
                    break;
                }
                double[] d = deviation(e, a);
                worst = Math.max(worst, d[0]);
                worstRatio = Math.max(worstRatio, d[0] / d[1]);
                if (!(d[0] <= d[1])) {
                    failures.add(stage + "[" + i + "]: max |port - reference| " + d[0] + " > bound " + d[1]);
                }
            }
            System.out.printf("%s %-24s max deviation %.3g (%.3g of the bound)%n", name, stage, worst, worstRatio);
        }
        // the pasted masks
        List<NdArray> refMasks = arrays(expected.get("masks"));
        assertEquals(refMasks.size(), dets.size(), "images");
        double worstMask = 0;
        for (int img = 0; img < dets.size(); img++) {
            Detections d = dets.get(img);
            NdArray ref = refMasks.get(img);
            long[] s = ref.shape();
            if (s[0] != d.count() || s[1] != d.height() || s[2] != d.width()) {
                failures.add("masks[" + img + "]: " + d.count() + "x" + d.height() + "x" + d.width() + ", reference " + Arrays.toString(s));
                continue;
            }
            float[] r = ref.toFloats();
            int plane = d.height() * d.width();
            for (int k = 0; k < d.count(); k++) {
                int differ = 0;
                for (int p = 0; p < plane; p++) {
                    if ((r[k * plane + p] != 0) != (d.masks()[k * plane + p] != 0)) {
                        differ++;
                    }
                }
                double frac = (double) differ / plane;
                worstMask = Math.max(worstMask, frac);
                if (frac > 0.005) {
                    failures.add("masks[" + img + "][" + k + "]: " + differ + " of " + plane + " pixels differ");
                }
            }
        }
        System.out.printf("%s %-24s worst mask differs in %.4f%% of its pixels%n", name, "masks", 100 * worstMask);
        // detections: labels exactly, and bbox_results (per class) as the reference groups them
        List<NdArray> refLabels = arrays(expected.get("det_labels"));
        for (int img = 0; img < dets.size() && img < refLabels.size(); img++) {
            int[] labels = dets.get(img).labels();
            float[] ref = refLabels.get(img).toFloats();
            int[] refInts = new int[ref.length];
            for (int i = 0; i < ref.length; i++) {
                refInts[i] = (int) ref[i];
            }
            if (!Arrays.equals(refInts, labels)) {
                failures.add("det_labels[" + img + "]: " + Arrays.toString(labels) + ", reference " + Arrays.toString(refInts));
            }
        }
        List<?> bboxResults = (List<?>) expected.get("bbox_results");
        for (int img = 0; img < dets.size() && img < bboxResults.size(); img++) {
            List<NdArray> perClass = arrays(bboxResults.get(img));
            Detections d = dets.get(img);
            for (int c = 0; c < perClass.size(); c++) {
                List<Float> mine = new ArrayList<>();
                for (int i = 0; i < d.count(); i++) {
                    if (d.labels()[i] == c) {
                        for (int k = 0; k < 5; k++) {
                            mine.add(d.boxes()[5 * i + k]);
                        }
                    }
                }
                float[] ref = perClass.get(c).toFloats();
                if (ref.length != mine.size()) {
                    failures.add("bbox_results[" + img + "][" + c + "]: " + mine.size() / 5 + " boxes, reference " + ref.length / 5);
                    continue;
                }
                float[] m = new float[mine.size()];
                for (int i = 0; i < m.length; i++) {
                    m[i] = mine.get(i);
                }
                if (m.length > 0) {
                    double[] dev = deviation(perClass.get(c), NdArray.ofFloats(m, perClass.get(c).shape()));
                    if (!(dev[0] <= dev[1])) {
                        failures.add("bbox_results[" + img + "][" + c + "]: max deviation " + dev[0]);
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(name + ": " + failures.size() + " disagreements: " + String.join("; ", failures.subList(0, Math.min(12, failures.size()))));
        }
        assertTrue(dets.stream().mapToInt(Detections::count).sum() > 0, "some detections");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anotherClassCountIsRefusedNamingKeyAndShapes(String name, @TempDir Path tmp) throws Exception {
        Path dir = Golden.require().resolve(name);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(dir.resolve("case.json").toFile());
        ObjectNode roi = (ObjectNode) root.get("config").get("model").get("roi_head");
        ((ObjectNode) roi.get("bbox_head")).put("num_classes", 90);
        ((ObjectNode) roi.get("mask_head")).put("num_classes", 90);
        Path config = tmp.resolve("case.json");
        json.writeValue(config.toFile(), root);
        ConfigException e = assertThrows(ConfigException.class, () -> MaskRcnn.load(config, dir.resolve("weights.pth")));
        long fc = ((NdArray) PthReader.readStateDict(dir.resolve("weights.pth")).get("roi_head.bbox_head.fc_cls.weight")).shape()[1];
        assertEquals("weights.pth: roi_head.bbox_head.fc_cls.weight has shape [81, " + fc + "] in the checkpoint but [91, " + fc
                + "] in the model (num_classes 90 in the config)", e.getMessage());
    }

    /** {max |a − e|, the README's bound for e}. */
    private static double[] deviation(NdArray expected, NdArray actual) {
        double[] d = Golden.deviationAndScale(expected, actual);
        return new double[] {d[0], 1e-4 * d[1]};
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
