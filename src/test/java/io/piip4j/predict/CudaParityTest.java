package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.testing.Golden;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On an NVIDIA GPU (the -Pgpu build), every golden classification and dense-backbone case agrees
 * with the reference within 1e-3 relative to its scale, TF32 off. Skipped where CUDA is absent.
 */
class CudaParityTest {
    static Stream<String> cases() {
        return Stream.concat(Golden.caseNames("cls"), Stream.of("det2_intern_grouped", "det3_deit_global_b2",
                "det3_deit_window", "det4_deit_window"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesOnCuda(String name) {
        Assumptions.assumeTrue(torch.cuda_is_available(), "no CUDA device (CPU natives or no GPU)");
        Path dir = Golden.require().resolve(name);
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        try (PiipModel model = PiipModel.load(dir.resolve("case.json"), dir.resolve("weights.pth")).to("cuda")) {
            List<NdArray> out = model.forward((NdArray) io.get("input"));
            Object expected = io.get("output");
            List<?> refs = expected instanceof List<?> l ? l : List.of(expected);
            for (int i = 0; i < refs.size(); i++) {
                float[] e = ((NdArray) refs.get(i)).toFloats();
                float[] a = out.get(i).toFloats();
                double scale = 1;
                double err = 0;
                for (int j = 0; j < e.length; j++) {
                    scale = Math.max(scale, Math.abs(e[j]));
                    err = Math.max(err, Math.abs(a[j] - e[j]));
                }
                assertTrue(err <= 1e-3 * scale, name + " output " + i + ": " + err + " > 1e-3 × " + scale);
            }
        }
    }
}
