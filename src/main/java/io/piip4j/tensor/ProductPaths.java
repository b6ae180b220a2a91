package io.piip4j.tensor;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Which {@link ProductPath} the inference products of each dtype take. By default ({@code auto}) a
 * dtype runs on oneDNN with packed weights where this CPU and engine build take it (probed once by
 * {@link OneDnn#packs}); bfloat16 where only float32 packs (AVX2-only CPUs) runs as float32 products
 * of its bfloat16 values ({@link ProductPath#ONEDNN_WIDENED}); anything else on libtorch's kernels.
 * <p>The switch {@value #SWITCH} (environment) or {@code -Dpiip.products} (system property, which
 * wins) forces a path, so one machine can test them all: {@code libtorch} keeps every product on
 * libtorch's kernels, {@code onednn-fp32} widens bfloat16 as an AVX2-only CPU does. To also run the
 * engine's other kernels as on such a CPU, cap their dispatch: {@code ONEDNN_MAX_CPU_ISA=AVX2
 * ATEN_CPU_CAPABILITY=avx2}.
 */
public final class ProductPaths {
    /** The environment variable of the switch: {@code auto} (default), {@code libtorch} or {@code onednn-fp32}. */
    public static final String SWITCH = "PIIP_PRODUCTS";
    /** The system property of the switch; wins over the environment. */
    public static final String PROPERTY = "piip.products";

    /** What is wrong with the switch's value, or null: reported at every use rather than as a class-loading error. */
    private static final String SWITCH_ERROR = switchError();
    /** The path forced by the switch or {@link #force}; null for auto. */
    private static volatile ProductPath forced = SWITCH_ERROR == null ? readSwitch() : null;

    private ProductPaths() {
    }

    private static String switchError() {
        try {
            readSwitch();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static ProductPath readSwitch() {
        String property = System.getProperty(PROPERTY);
        return property != null ? parse(property, "-D" + PROPERTY) : parse(System.getenv(SWITCH), SWITCH);
    }

    /** The path a value of the switch forces (null for auto); {@code source} names where it was set, for the message. */
    static ProductPath parse(String value, String source) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("auto")) {
            return null;
        }
        for (ProductPath p : ProductPath.values()) {
            if (p != ProductPath.ONEDNN_PACKED && value.trim().equalsIgnoreCase(p.id())) {
                return p;
            }
        }
        throw new IllegalArgumentException(source + "=" + value + ": expected auto, " + ProductPath.LIBTORCH.id() + " or "
                + ProductPath.ONEDNN_WIDENED.id());
    }

    /** Fails with the switch's problem, if its value is not one of the known ones. */
    public static void check() {
        if (SWITCH_ERROR != null) {
            throw new IllegalStateException(SWITCH_ERROR);
        }
    }

    /** The switch as in effect: {@code auto}, or the id of the forced path. */
    public static String setting() {
        check();
        ProductPath f = forced;
        return f == null ? "auto" : f.id();
    }

    /** The path inference products of this dtype take on the CPU. */
    public static ProductPath of(ScalarType dtype) {
        check();
        ProductPath f = forced;
        if (f == ProductPath.LIBTORCH) {
            return ProductPath.LIBTORCH;
        }
        boolean bf16 = dtype.value == ScalarType.BFloat16.value;
        if (OneDnn.packs(dtype) && !(bf16 && f == ProductPath.ONEDNN_WIDENED)) {
            return ProductPath.ONEDNN_PACKED;
        }
        return bf16 && OneDnn.packs(ScalarType.Float) ? ProductPath.ONEDNN_WIDENED : ProductPath.LIBTORCH;
    }

    /** Whether a product with this weight takes a packed oneDNN path (on the CPU; in its own dtype or widened). */
    public static boolean packs(Tensor weight) {
        return !weight.is_cuda() && of(weight.scalar_type()) != ProductPath.LIBTORCH;
    }

    /** Whether a product with this operand is computed in float32 on its bfloat16 values ({@link ProductPath#ONEDNN_WIDENED}). */
    public static boolean widens(Tensor operand) {
        return operand.scalar_type().value == ScalarType.BFloat16.value && !operand.is_cuda()
                && of(ScalarType.BFloat16) == ProductPath.ONEDNN_WIDENED;
    }

    /** Whether products may take a packed path now: some dtype can, and gradients are off (the ops have no autograd). */
    public static boolean packingNow() {
        check();
        return forced != ProductPath.LIBTORCH && (OneDnn.packs(ScalarType.Float) || OneDnn.packs(ScalarType.BFloat16))
                && !GradMode.is_enabled();
    }

    /**
     * Until closed, products take {@code path} as the switch set to it would make them
     * ({@link ProductPath#ONEDNN_PACKED}: as auto). Process-wide: for tests and measurements that
     * compare the paths in one process.
     */
    public static Forced force(ProductPath path) {
        ProductPath before = forced;
        forced = path == ProductPath.ONEDNN_PACKED ? null : path;
        return () -> forced = before;
    }

    /** Undoes {@link #force} when closed. */
    public interface Forced extends AutoCloseable {
        @Override
        void close();
    }
}
