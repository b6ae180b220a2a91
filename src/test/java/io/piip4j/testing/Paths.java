package io.piip4j.testing;

import io.piip4j.tensor.OneDnn;
import io.piip4j.tensor.ProductPath;
import io.piip4j.tensor.ProductPaths;
import java.util.stream.Stream;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a test body on a chosen {@link ProductPath}, so one machine tests every path: the libtorch
 * fallback always runs; the packed oneDNN path is skipped only where this CPU (or a cap such as
 * {@code ONEDNN_MAX_CPU_ISA}) cannot take the dtype.
 */
public final class Paths {
    private Paths() {
    }

    /** The paths of float32 products. */
    public static Stream<ProductPath> float32() {
        return Stream.of(ProductPath.ONEDNN_PACKED, ProductPath.LIBTORCH);
    }

    /** The paths of bfloat16 products (the widened one is what AVX2-only CPUs run). */
    public static Stream<ProductPath> bfloat16() {
        return Stream.of(ProductPath.values());
    }

    /** Products of {@code dtype} take {@code path} until the result is closed. */
    public static ProductPaths.Forced use(ProductPath path, ScalarType dtype) {
        if (path == ProductPath.ONEDNN_PACKED) {
            Assumptions.assumeTrue(ProductPaths.of(dtype) == ProductPath.ONEDNN_PACKED,
                    () -> "oneDNN does not take " + dtype + " products on this machine: " + OneDnn.refusal(dtype));
            return () -> { };
        }
        if (path == ProductPath.ONEDNN_WIDENED) {
            Assumptions.assumeTrue(OneDnn.packs(ScalarType.Float), () -> "no oneDNN float32 products here: " + OneDnn.refusal(ScalarType.Float));
        }
        ProductPaths.Forced f = ProductPaths.force(path);
        if (ProductPaths.of(dtype) != path) {
            f.close();
            throw new IllegalArgumentException(dtype + " products cannot take " + path);
        }
        return f;
    }
}
