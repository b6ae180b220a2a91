package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark runs on a tiny model and reports what it promises (timings are not checked). */
class BenchCommandTest {
    private static final String TINY = "src/test/resources/io/piip4j/examples/piip-tiny-cls.json";

    @ParameterizedTest
    @ValueSource(strings = {"fp32", "bf16"})
    void runsOnATinyModel(String dtype) throws Exception {
        CliRun run = CliRun.of("bench", TINY, "--warmup", "0", "--iters", "2", "--dtype", dtype, "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertEquals(dtype, r.get("dtype").asText());
        assertTrue(r.get("min_s").asDouble() > 0 && r.get("min_s").asDouble() <= r.get("median_s").asDouble());
        assertTrue(r.get("median_s").asDouble() <= r.get("max_s").asDouble());
        assertTrue(r.get("images_per_s").asDouble() > 0);
        assertTrue(r.get("peak_rss_bytes").asLong() > 0);
        assertTrue(r.get("matmul_peak_gflops").asDouble() > 0);
        assertTrue(r.has("achieved_gflops"), "achieved GFLOP/s from the FLOPs counter");
        JsonNode stages = r.get("stage_seconds");
        for (String stage : new String[] {"branch1.embed", "branch3.blocks", "interactions", "interactions/deform/sampling",
                "interactions/residual", "other"}) {
            assertTrue(stages.has(stage), stage + " in " + stages);
        }
    }

    @org.junit.jupiter.api.Test
    void profilePrintsWhereTheTimeGoes() {
        CliRun run = CliRun.of("bench", TINY, "--warmup", "1", "--iters", "1", "--profile");
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.contains("where the time goes (mean per forward):"), out);
        for (String label : new String[] {"branch2.embed", "branch1.blocks", "interactions", "  norms", "  deform",
                "    value_proj", "    offset_linear", "    weight_linear", "    sampling", "    output_proj", "  residual",
                "  ffn", "other"}) {
            assertTrue(out.contains("    " + label + " "), label + " in\n" + out);
        }
    }

    @org.junit.jupiter.api.Test
    void badDtypeIsAnError() {
        CliRun run = CliRun.of("bench", TINY, "--dtype", "fp16");
        assertEquals(2, run.exitCode(), "a usage error");
        assertTrue(run.errorLine().contains("fp16"), run.err());
    }

    /** A Mask R-CNN config benches the whole detector: the stage split and the detections that reached the mask head. */
    @org.junit.jupiter.api.Test
    void wholeDetectorOnTheGoldenMaskRcnn() throws Exception {
        String config = io.piip4j.testing.Golden.require().resolve("maskrcnn_det3_deit_window_b2_c/case.json").toString();
        CliRun run = CliRun.of("bench", config, "--input", "64x96", "--warmup", "0", "--iters", "1", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertTrue(r.get("detector").asBoolean());
        assertEquals(64, r.get("height").asInt());
        assertEquals(96, r.get("width").asInt());
        assertEquals(100, r.get("detections").asInt(), "max_per_img detections reach the mask head");
        assertTrue(r.get("median_s").asDouble() > 0 && r.get("peak_rss_bytes").asLong() > 0);
        JsonNode stages = r.get("stage_seconds");
        for (String stage : new String[] {"backbone", "neck", "rpn", "rpn/head", "rpn/proposals", "box_head", "box_head/roi_align",
                "box_head/fcs", "box_head/nms", "mask_head", "mask_head/roi_align", "mask_head/convs", "mask_paste", "other"}) {
            assertTrue(stages.has(stage) && stages.get(stage).asDouble() >= 0, stage + " in " + stages);
        }
    }
}
