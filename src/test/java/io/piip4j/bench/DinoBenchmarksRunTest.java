package io.piip4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.bench.jmh.DinoEncoderBenchmarks;
import io.piip4j.config.ConfigReader;
import io.piip4j.detector.DinoConfig;
import io.piip4j.testing.Golden;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * The DINO benchmarks run (at tiny sizes; not a timing): the encoder's 4-level deformable attention
 * and the whole detector with its stage split.
 */
class DinoBenchmarksRunTest {
    @Test
    void encoderAttentionBenchmarkRuns() {
        for (String dtype : new String[] {"fp32", "bf16"}) {
            DinoEncoderBenchmarks b = new DinoEncoderBenchmarks();
            b.input = "64x96";
            b.dtype = dtype;
            b.dim = 32;
            b.heads = 4;
            b.setup();
            try {
                assertTrue(Float.isFinite(b.encoderDeformableAttention()), dtype);
            } finally {
                b.tearDown();
            }
        }
    }

    @Test
    void wholeDetectorBenchmarkReportsTheStages() {
        Path caseJson = Golden.file("dino_det3_deit_window_b2_c", "case.json");
        DinoConfig config = DinoConfig.read(Golden.caseJson(caseJson.getParent()), "case.json");
        Benchmark.Settings s = new Benchmark.Settings(1, 64, 96, 0, 1, ScalarType.Float, true);
        DinoBenchmark.Result r = DinoBenchmark.run(ConfigReader.read(caseJson), config, s);
        assertEquals(config.maxPerImg(), r.detections());
        Map<String, Double> stages = r.timing().stageSeconds();
        for (String stage : new String[] {"backbone", "neck", "head", "head/encoder", "head/encoder/deform",
            "head/encoder/deform/sampling", "head/query_selection", "head/decoder", "head/decoder/deform", "detections", "other"}) {
            assertTrue(stages.containsKey(stage), stage + " in " + stages.keySet());
        }
    }
}
