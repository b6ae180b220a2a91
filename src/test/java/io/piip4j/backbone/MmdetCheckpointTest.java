package io.piip4j.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.predict.PiipModel;
import io.piip4j.testing.Golden;
import io.piip4j.weights.LoadReport;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A whole-detector checkpoint as mmdetection saves it ({@code meta}, {@code state_dict} with
 * {@code backbone.} keys and a neck key, {@code optimizer}) loads into the backbone strictly: the
 * neck key is reported, not an error, and the outputs are the golden case's.
 */
class MmdetCheckpointTest {

    @Test
    void backboneOfAWholeDetectorCheckpoint() {
        Path dir = Golden.require().resolve("det3_deit_window");
        Path ckpt = Golden.file("checkpoints", "det_mmdet_checkpoint.pth");
        try (PiipModel model = PiipModel.load(dir.resolve("case.json"), ckpt)) {
            LoadReport report = model.loadReport();
            assertTrue(report.missing().isEmpty() && report.shapeMismatches().isEmpty(), report.summary());
            assertEquals(1, report.unexpected().size(), report.summary());
            assertTrue(report.unexpected().get(0).startsWith("neck."), report.summary());

            Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
            List<NdArray> out = model.forward((NdArray) io.get("input"));
            List<?> expected = (List<?>) io.get("output");
            assertEquals(expected.size(), out.size());
            for (int i = 0; i < out.size(); i++) {
                Golden.assertAgrees((NdArray) expected.get(i), out.get(i), "output " + i);
            }
        }
    }
}
