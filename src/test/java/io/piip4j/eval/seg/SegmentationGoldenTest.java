package io.piip4j.eval.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every segmentation case of {@code ../shared/golden/metrics}: per-class areas exactly, per-class
 * IoU / Acc, aAcc, mIoU and mAcc of mmsegmentation 0.27 within 1e-12, on both of its paths
 * (float64 totals, and the float32 test path); NaN is {@code null} in expected.json.
 */
@RunsGolden("metrics/seg_metrics_*")
class SegmentationGoldenTest {
    static Stream<String> cases() {
        return Golden.claimed(SegmentationGoldenTest.class);
    }

    private static final double TOLERANCE = 1e-12;

    @ParameterizedTest
    @MethodSource("cases")
    void matchesMmsegmentation(String name) throws IOException {
        Path dir = Golden.file(name);
        JsonNode exp = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        SegmentationMetrics m = new SegmentationMetrics(exp.get("num_classes").asInt(), exp.get("ignore_index").asInt(),
                exp.get("reduce_zero_label").asBoolean());
        for (JsonNode pair : exp.get("pairs")) {
            m.add(LabelMap.read(dir.resolve(pair.get("pred").asText())), LabelMap.read(dir.resolve(pair.get("label").asText())));
        }
        long[][] totals = m.totals();
        String[] keys = {"intersect", "union", "pred_label", "label"};
        for (int t = 0; t < 4; t++) {
            JsonNode e = exp.get("total_areas").get(keys[t]);
            for (int c = 0; c < totals[t].length; c++) {
                assertEquals(e.get(c).asLong(), totals[t][c], keys[t] + "[" + c + "]");
            }
        }
        double w64 = compare("eval_metrics", exp.get("eval_metrics"), m.result());
        double w32 = compare("pre_eval_path", exp.get("pre_eval_path"), m.resultFloat32());
        System.out.println(name + ": max |port - mmseg| = " + w64 + " (float64 path), " + w32 + " (float32 path)");
    }

    private static double compare(String what, JsonNode e, SegmentationResult r) {
        double worst = 0;
        worst = Math.max(worst, close(what + ".aAcc", e.get("aAcc"), r.aAcc()));
        worst = Math.max(worst, close(what + ".mIoU", e.get("mIoU"), r.mIoU()));
        worst = Math.max(worst, close(what + ".mAcc", e.get("mAcc"), r.mAcc()));
        assertEquals(e.get("IoU").size(), r.iou().length);
        for (int c = 0; c < r.iou().length; c++) {
            worst = Math.max(worst, close(what + ".IoU[" + c + "]", e.get("IoU").get(c), r.iou()[c]));
            worst = Math.max(worst, close(what + ".Acc[" + c + "]", e.get("Acc").get(c), r.acc()[c]));
        }
        return worst;
    }

    private static double close(String what, JsonNode expected, double port) {
        if (expected.isNull()) {
            assertTrue(Double.isNaN(port), what + ": expected NaN, port " + port);
            return 0;
        }
        double d = Math.abs(port - expected.asDouble());
        assertTrue(d <= TOLERANCE, what + ": port " + port + ", expected " + expected);
        return d;
    }
}
