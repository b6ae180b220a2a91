package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.testing.Golden;
import io.piip4j.weights.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bfloat16 path against float32 on the golden classification cases: the error relative to
 * the output's scale, and whether the top-1 class survives. bfloat16 keeps 8 significant bits
 * (relative rounding 2^-9 ≈ 2e-3 per product), so after a few blocks a few 1e-2 of the output's
 * range is the expected size of the error; measured here: 4e-3 to 1e-2; the bound is 2e-2.
 */
class Bfloat16PathTest {
    static final double BOUND = 2e-2;

    static Stream<String> cases() {
        return Golden.caseNames("cls");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bfloat16StaysCloseToFloat32(String name) {
        Path dir = Golden.require().resolve(name);
        NdArray input = (NdArray) Golden.map(PthReader.read(dir.resolve("io.pth"))).get("input");
        float[] fp32;
        float[] bf16;
        try (PiipModel model = PiipModel.load(dir.resolve("case.json"), dir.resolve("weights.pth"))) {
            fp32 = model.forward(input).get(0).toFloats();
            bf16 = model.bfloat16().forward(input).get(0).toFloats();
        }
        double scale = 1;
        double maxErr = 0;
        for (int i = 0; i < fp32.length; i++) {
            scale = Math.max(scale, Math.abs(fp32[i]));
            maxErr = Math.max(maxErr, Math.abs(fp32[i] - bf16[i]));
        }
        double rel = maxErr / scale;
        int classes = fp32.length / (int) input.shape()[0];
        int top1Agree = 0;
        for (int b = 0; b < input.shape()[0]; b++) {
            if (argmax(fp32, b * classes, classes) == argmax(bf16, b * classes, classes)) {
                top1Agree++;
            }
        }
        System.out.printf(Locale.ROOT, "bf16 %s: max error / scale = %.2e, top-1 agreement %d/%d%n", name, rel, top1Agree,
                input.shape()[0]);
        assertTrue(rel > 0, "bfloat16 must actually change the arithmetic");
        assertTrue(rel <= BOUND, name + ": bf16 error " + rel + " above " + BOUND);
        assertEquals(input.shape()[0], top1Agree, "top-1 class changed under bf16");
    }

    private static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
