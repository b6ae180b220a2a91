package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.ProductPath;
import io.piip4j.tensor.ProductPaths;
import io.piip4j.testing.Golden;
import io.piip4j.testing.Paths;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bfloat16 path against float32 on the golden classification cases: the error relative to
 * the output's scale, whether the top-1 class survives and how much of the top 5 does. bfloat16 keeps 8 significant bits
 * (relative rounding 2^-9 ≈ 2e-3 per product), so after a few blocks a few 1e-2 of the output's
 * range is the expected size of the error; measured here: 4e-3 to 1e-2; the bound is 2e-2.
 */
class Bfloat16PathTest {
    static final double BOUND = 2e-2;

    /** Every golden classification case on each product path (the libtorch fallback is what AVX2-only CPUs run). */
    static Stream<Arguments> cases() {
        return Golden.caseNames("cls").flatMap(c -> Paths.bfloat16().map(p -> Arguments.of(c, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void bfloat16StaysCloseToFloat32(String name, ProductPath path) {
        Path dir = Golden.require().resolve(name);
        NdArray input = (NdArray) Golden.map(PthReader.read(dir.resolve("io.pth"))).get("input");
        float[] fp32;
        float[] bf16;
        try (PiipModel model = PiipModel.load(dir.resolve("case.json"), dir.resolve("weights.pth"))) {
            fp32 = model.forward(input).get(0).toFloats();
            try (ProductPaths.Forced p = Paths.use(path, ScalarType.BFloat16)) {
                bf16 = model.bfloat16().forward(input).get(0).toFloats();
            }
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
        int worstTop5 = Integer.MAX_VALUE;
        int top5Shared = 0; // of each image's float32 top-5 classes, how many bf16 also ranks in its top 5
        int k = Math.min(5, classes);
        for (int b = 0; b < input.shape()[0]; b++) {
            java.util.Set<Integer> want = topK(fp32, b * classes, classes, k);
            want.retainAll(topK(bf16, b * classes, classes, k));
            top5Shared += want.size();
            worstTop5 = Math.min(worstTop5, want.size());
        }
        System.out.printf(Locale.ROOT, "bf16 %s on %s: max error / scale = %.2e, top-1 agreement %d/%d, top-5 overlap %d/%d%n", name, path.id(),
                rel, top1Agree, input.shape()[0], top5Shared, k * input.shape()[0]);
        assertTrue(rel > 0, "bfloat16 must actually change the arithmetic");
        assertTrue(rel <= BOUND, name + ": bf16 error " + rel + " above " + BOUND);
        assertEquals(input.shape()[0], top1Agree, "top-1 class changed under bf16");
        // random-weight logits sit close together, so the 5th place may swap; 4 of 5 must stay
        assertTrue(worstTop5 >= k - 1, name + ": bf16 keeps only " + worstTop5 + " of an image's float32 top-" + k);
    }

    private static java.util.Set<Integer> topK(float[] v, int off, int n, int k) {
        return java.util.stream.IntStream.range(0, n).boxed()
                .sorted((a, b) -> Float.compare(v[off + b], v[off + a])).limit(k)
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
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
