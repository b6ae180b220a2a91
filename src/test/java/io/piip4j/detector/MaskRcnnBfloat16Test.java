package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.nn.MixedPrecision;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole Mask R-CNN in bfloat16 ({@link MixedPrecision} on every product layer, heads included,
 * as {@code piip bench --dtype bf16} runs it) against float32 on the golden case, with the bounds
 * of {@code Bfloat16PathTest}: the backbone's features within {@value #FEATURE_TOL} of their scale;
 * each image's best float32 detection, and at least {@value #MIN_MATCHED} of its top {@value #TOP},
 * found in bfloat16 with the same class, a box within {@value #BOX_TOL} of the image size and a
 * score within {@value #SCORE_TOL}. Not all {@value #TOP}: the golden model has random weights whose
 * proposals score almost alike (its RPN top-k cut has a margin of 3e-4), so bfloat16's rounding can
 * swap a proposal, and with it a detection (image 1 loses its second, class 37, score 0.22).
 */
@RunsGolden("maskrcnn_*")
class MaskRcnnBfloat16Test {
    private static final int TOP = 5;
    private static final double BOX_TOL = 0.02;
    private static final double SCORE_TOL = 0.02;
    private static final int MIN_MATCHED = 4;
    private static final double FEATURE_TOL = 2e-2;

    static Stream<String> cases() {
        return Golden.claimed(MaskRcnnBfloat16Test.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void topDetectionsMatchFloat32(String name) {
        Path dir = Golden.require().resolve(name);
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        NdArray input = (NdArray) io.get("input");
        List<ImageMeta> metas = MaskRcnnConfig.imageMetas(dir.resolve("case.json"));
        List<Detections> fp32;
        List<Detections> bf16;
        List<NdArray> fp32Features = new ArrayList<>();
        List<NdArray> bf16Features = new ArrayList<>();
        try (MaskRcnn model = MaskRcnn.load(dir.resolve("case.json"), dir.resolve("weights.pth"))) {
            fp32 = model.detect(input, metas, true, (stage, v) -> record(stage, v, fp32Features));
            MixedPrecision.toBfloat16(model);
            bf16 = model.detect(input, metas, true, (stage, v) -> record(stage, v, bf16Features));
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < fp32Features.size(); i++) {
            double dev = Golden.relativeDeviation(fp32Features.get(i), bf16Features.get(i));
            System.out.printf("%s backbone level %d: max |bf16 - fp32| / max(1, max |fp32|) = %.2e%n", name, i, dev);
            if (!(dev <= FEATURE_TOL)) {
                failures.add("backbone level " + i + ": " + dev + " > " + FEATURE_TOL);
            }
        }
        for (int img = 0; img < fp32.size(); img++) {
            Detections f = fp32.get(img);
            Detections b = bf16.get(img);
            double size = Math.max(metas.get(img).oriH(), metas.get(img).oriW());
            double worstBox = 0;
            double worstScore = 0;
            int matched = 0;
            List<String> missed = new ArrayList<>();
            for (int i = 0; i < Math.min(TOP, f.count()); i++) {
                double[] best = null; // {box deviation, score deviation} of the closest same-class bf16 detection
                for (int j = 0; j < b.count(); j++) {
                    if (b.labels()[j] != f.labels()[i]) {
                        continue;
                    }
                    double box = 0;
                    for (int c = 0; c < 4; c++) {
                        box = Math.max(box, Math.abs(b.boxes()[5 * j + c] - f.boxes()[5 * i + c]) / size);
                    }
                    double score = Math.abs(b.boxes()[5 * j + 4] - f.boxes()[5 * i + 4]);
                    if (best == null || box < best[0]) {
                        best = new double[] {box, score};
                    }
                }
                if (best == null || best[0] > BOX_TOL || best[1] > SCORE_TOL) {
                    missed.add("image " + img + " detection " + i + " (class " + f.labels()[i] + ", score " + f.boxes()[5 * i + 4] + "): "
                            + (best == null ? "no bf16 detection of its class" : "box off by " + best[0] + ", score by " + best[1]));
                    if (i == 0) {
                        failures.add("best detection not found: " + missed.get(missed.size() - 1));
                    }
                } else {
                    matched++;
                    worstBox = Math.max(worstBox, best[0]);
                    worstScore = Math.max(worstScore, best[1]);
                }
            }
            int top = Math.min(TOP, f.count());
            System.out.printf("%s image %d: %d fp32 / %d bf16 detections; %d of the top %d matched, box within %.2e of the image,"
                    + " score within %.2e; missed: %s%n", name, img, f.count(), b.count(), matched, top, worstBox, worstScore, missed);
            if (matched < Math.min(MIN_MATCHED, top)) {
                failures.add("image " + img + ": " + matched + " of the top " + top + " matched: " + missed);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void record(String stage, NdArray value, List<NdArray> features) {
        if (stage.equals("backbone")) {
            features.add(value);
        }
    }
}
