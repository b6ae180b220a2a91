package io.piip4j.eval.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every COCO case of {@code ../shared/golden/metrics}: the twelve stats, per-category AP and the
 * printed lines of pycocotools, plain and under mmdetection's settings, for boxes and masks
 * (masks both with the results' boxes deciding the areas, as pycocotools reads the file, and
 * without them, as mmdetection does), each within 1e-12.
 */
@RunsGolden("metrics/coco_*")
class CocoGoldenTest {
    static Stream<String> cases() {
        return Golden.claimed(CocoGoldenTest.class);
    }

    private static final double TOLERANCE = 1e-12;

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPycocotools(String name) throws IOException {
        Path dir = Golden.file(name);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        CocoDataset gt = CocoDataset.load(dir.resolve("instances.json"));
        Path results = dir.resolve("results.json");
        List<String> report = new ArrayList<>();
        double worst = 0;
        worst = Math.max(worst, check(report, "bbox", expected.get("bbox"), gt, results, EvalParams.coco(IouType.BBOX), false));
        worst = Math.max(worst, check(report, "mmdet.bbox", expected.get("mmdet").get("bbox"), gt, results,
                EvalParams.mmdet(IouType.BBOX), false));
        if (expected.has("segm")) {
            worst = Math.max(worst, check(report, "segm", expected.get("segm"), gt, results, EvalParams.coco(IouType.SEGM), false));
            worst = Math.max(worst, check(report, "segm_mask_area", expected.get("segm_mask_area"), gt, results,
                    EvalParams.coco(IouType.SEGM), true));
            worst = Math.max(worst, check(report, "mmdet.segm", expected.get("mmdet").get("segm"), gt, results,
                    EvalParams.mmdet(IouType.SEGM), true));
        }
        System.out.println(name + ": max |port - pycocotools| = " + worst + " (" + String.join(", ", report) + ")");
        assertTrue(worst <= TOLERANCE, name + ": " + worst);
    }

    private static double check(List<String> report, String what, JsonNode exp, CocoDataset gt, Path results, EvalParams p,
            boolean dropBoxes) {
        assertNotNull(exp, what);
        CocoSummary s = CocoSummary.of(CocoEvaluator.evaluate(gt, CocoResults.load(results, gt, dropBoxes), p));
        double worst = 0;
        JsonNode stats = exp.get("stats");
        assertEquals(12, stats.size());
        for (int i = 0; i < 12; i++) {
            double d = Math.abs(s.stats()[i] - stats.get(i).asDouble());
            assertTrue(d <= TOLERANCE, what + " stats[" + i + "]: port " + s.stats()[i] + ", expected " + stats.get(i));
            worst = Math.max(worst, d);
        }
        JsonNode perCat = exp.get("per_category_AP");
        assertEquals(perCat.size(), s.perCategoryAp().size(), what + ": categories");
        for (Iterator<Map.Entry<String, JsonNode>> it = perCat.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            Double port = s.perCategoryAp().get(Long.parseLong(f.getKey()));
            if (f.getValue().isNull()) {
                assertEquals(null, port, what + " category " + f.getKey());
            } else {
                assertNotNull(port, what + " category " + f.getKey());
                double d = Math.abs(port - f.getValue().asDouble());
                assertTrue(d <= TOLERANCE, what + " category " + f.getKey() + ": port " + port + ", expected " + f.getValue());
                worst = Math.max(worst, d);
            }
        }
        JsonNode text = exp.get("summary_text");
        for (int i = 0; i < 12; i++) {
            assertEquals(text.get(i).asText(), s.lines().get(i), what + " line " + i);
        }
        report.add(what + " " + worst);
        return worst;
    }
}
