package io.piip4j.segmentor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.detector.MaskRcnnConfig;
import io.piip4j.head.ImageMeta;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole UperNet segmentor against the official mmsegmentation 0.27 run ({@code upernet*}
 * golden cases, one in {@code whole} mode with a batch of 2, one in {@code slide} mode with 4
 * overlapping windows): every saved tensor (backbone, decode and auxiliary logits of the first
 * window, the first classes' logits at the input size and probabilities at the original size, the
 * probabilities' maximum) within the README's bound (|port − reference| ≤ 1e-4 · max(1, max |reference|)),
 * and the predicted maps — the reference's path (softmax, argmax) and the bounded-memory class map
 * the predictor uses — differing from the reference only at as many pixels as case.json counts as
 * near-tied.
 */
@RunsGolden("upernet_*")
class UperNetGoldenTest {

    static Stream<String> cases() {
        return Golden.claimed(UperNetGoldenTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyStageAgrees(String name) {
        Path dir = Golden.require().resolve(name);
        JsonNode root = Golden.caseJson(dir);
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        Map<String, Object> expected = Golden.map(io.get("output"));
        NdArray input = (NdArray) io.get("input");
        long[] s = input.shape();
        List<ImageMeta> metas = MaskRcnnConfig.imageMetas(root, name, (int) s[0], (int) s[2], (int) s[3]);
        int kept = root.get("kept_classes").asInt();
        Map<String, List<NdArray>> got = new LinkedHashMap<>();
        List<ClassMap> maps;
        int[] windows = {0};
        try (UperNet model = UperNet.load(dir.resolve("case.json"), dir.resolve("weights.pth"))) {
            assertEquals(Golden.numParameters(dir), model.numParameters(), "parameters (buffers not counted)");
            UperNetConfig.Mode mode = model.segmentorConfig().test().mode();
            assertEquals(name.contains("slide") ? UperNetConfig.Mode.SLIDE : UperNetConfig.Mode.WHOLE, mode);
            maps = model.segment(input, metas, mode, true, (done, total) -> windows[0] = total,
                    (stage, value) -> got.computeIfAbsent(stage, k -> new ArrayList<>()).add(value));
        }
        if (name.contains("slide")) {
            assertEquals(4, windows[0], "windows of the 80x96 input (crop 64, stride 43)");
        }

        List<?> backbone = (List<?>) expected.get("backbone");
        assertEquals(backbone.size(), got.get("backbone").size(), "backbone outputs");
        for (int i = 0; i < backbone.size(); i++) {
            agrees((NdArray) backbone.get(i), got.get("backbone").get(i), name + " backbone[" + i + "]");
        }
        agrees((NdArray) expected.get("decode_logits"), one(got, "decode_logits"), name + " decode_logits");
        agrees((NdArray) expected.get("aux_logits"), one(got, "aux_logits"), name + " aux_logits");
        NdArray segLogit = one(got, "seg_logit");
        agrees((NdArray) expected.get("seg_logit_first_classes"), firstChannels(List.of(segLogit), kept),
                name + " seg_logit_first_classes");
        agrees((NdArray) expected.get("probs_first_classes"), firstChannels(got.get("probs"), kept),
                name + " probs_first_classes");
        agrees((NdArray) expected.get("probs_max"), concat(got.get("probs_max")), name + " probs_max");

        JsonNode margins = root.get("argmax_margins");
        int inputTies = margins.get("seg_logit_input_size").get("pixels_below_tol").asInt();
        int rescaledTies = margins.get("probs_after_rescale").get("pixels_below_tol").asInt();
        float[] refInput = ((NdArray) expected.get("seg_pred_input_size")).toFloats();
        assertTrue(differing(refInput, one(got, "seg_pred_input_size").toFloats()) <= inputTies, name + " seg_pred_input_size");
        float[] ref = ((NdArray) expected.get("seg_pred")).toFloats();
        assertTrue(differing(ref, concat(got.get("seg_pred")).toFloats()) <= rescaledTies, name + " seg_pred (softmax, argmax)");
        float[] predictor = new float[ref.length];
        int k = 0;
        for (ClassMap m : maps) {
            for (int l : m.labels()) {
                predictor[k++] = l;
            }
        }
        assertEquals(ref.length, k, "class map pixels");
        int diff = differing(ref, predictor);
        assertTrue(diff <= rescaledTies, name + ": the chunked class map differs from the reference at " + diff + " pixels");
        agrees((NdArray) expected.get("probs_max"), confidences(maps, s[0]), name + " class map confidence");
    }

    /** Prints the observed deviation, relative to the bound's scale, beside the assertion. */
    private static void agrees(NdArray expected, NdArray actual, String what) {
        System.out.printf("%s: max |port - reference| / max(1, max |reference|) = %.3g%n", what, Golden.relativeDeviation(expected, actual));
        Golden.assertAgrees(expected, actual, what);
    }

    private static NdArray one(Map<String, List<NdArray>> got, String stage) {
        List<NdArray> v = got.get(stage);
        assertTrue(v != null && v.size() == 1, stage + ": reported " + (v == null ? 0 : v.size()) + " times");
        return v.get(0);
    }

    private static int differing(float[] a, float[] b) {
        assertEquals(a.length, b.length, "map size");
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }

    /** The per-image (1, …) arrays stacked along the batch. */
    private static NdArray concat(List<NdArray> parts) {
        long[] shape = parts.get(0).shape().clone();
        List<float[]> values = parts.stream().map(NdArray::toFloats).toList();
        int total = values.stream().mapToInt(v -> v.length).sum();
        float[] out = new float[total];
        int at = 0;
        for (float[] v : values) {
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        shape[0] = parts.stream().mapToLong(p -> p.shape()[0]).sum();
        return NdArray.ofFloats(out, shape);
    }

    /** The first {@code k} channels of (B, C, H, W) arrays, stacked along the batch. */
    private static NdArray firstChannels(List<NdArray> parts, int k) {
        List<NdArray> cut = new ArrayList<>();
        for (NdArray p : parts) {
            long[] s = p.shape();
            int plane = (int) (s[2] * s[3]);
            float[] v = p.toFloats();
            float[] out = new float[(int) (s[0] * k * plane)];
            for (int b = 0; b < s[0]; b++) {
                System.arraycopy(v, (int) (b * s[1] * plane), out, b * k * plane, k * plane);
            }
            cut.add(NdArray.ofFloats(out, s[0], k, s[2], s[3]));
        }
        return concat(cut);
    }

    private static NdArray confidences(List<ClassMap> maps, long batch) {
        ClassMap first = maps.get(0);
        float[] out = new float[(int) (batch * first.labels().length)];
        int at = 0;
        for (ClassMap m : maps) {
            System.arraycopy(m.confidence(), 0, out, at, m.confidence().length);
            at += m.confidence().length;
        }
        return NdArray.ofFloats(out, batch, first.height(), first.width());
    }
}
