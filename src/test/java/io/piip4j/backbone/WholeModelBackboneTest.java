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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backbone stage of the whole detectors and segmentors built by the official mmdetection /
 * mmsegmentation code ({@code maskrcnn*}, {@code dino*}, {@code upernet*}): their whole-model
 * checkpoints load into the backbone (head keys reported, not errors) and the backbone's outputs
 * agree — the DINO three-output variant, a two-branch InternViT backbone with fused-MLP blocks and
 * no interaction norms or projections, batch 2.
 */
class WholeModelBackboneTest {

    static Stream<String> cases() {
        return Stream.of("maskrcnn", "dino", "upernet").flatMap(Golden::caseNames);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backboneAgrees(String name) {
        Path dir = Golden.require().resolve(name);
        try (PiipModel model = PiipModel.load(dir.resolve("case.json"), dir.resolve("weights.pth"))) {
            LoadReport report = model.loadReport();
            assertTrue(report.missing().isEmpty() && report.shapeMismatches().isEmpty(), report.summary());
            assertTrue(report.unexpected().stream().noneMatch(k -> k.startsWith("backbone.")), report.summary());
            assertTrue(!report.unexpected().isEmpty(), "the heads' keys are reported");

            Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
            NdArray input = (NdArray) io.get("input");
            if (name.contains("slide")) {
                input = topLeft(input, 64); // the saved backbone outputs are the first sliding-window crop's
            }
            List<?> expected = (List<?>) Golden.map(io.get("output")).get("backbone");
            List<NdArray> out = model.forward(input);
            assertEquals(expected.size(), out.size(), "number of outputs");
            for (int i = 0; i < out.size(); i++) {
                Golden.assertAgrees((NdArray) expected.get(i), out.get(i), name + " backbone output " + i);
            }
        }
    }

    private static NdArray topLeft(NdArray x, int size) {
        long[] s = x.shape();
        float[] v = x.toFloats();
        float[] out = new float[(int) (s[0] * s[1] * size * size)];
        int k = 0;
        for (int n = 0; n < s[0] * s[1]; n++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    out[k++] = v[(int) ((n * s[2] + i) * s[3] + j)];
                }
            }
        }
        return NdArray.ofFloats(out, s[0], s[1], size, size);
    }
}
