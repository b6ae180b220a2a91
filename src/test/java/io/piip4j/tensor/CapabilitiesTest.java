package io.piip4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * The detected product paths against an independent reading of the machine: the CPU's flags in
 * {@code /proc/cpuinfo} and the caps set in the environment. Under the suite's emulated-CPU run
 * ({@code PIIP_TEST_CPU=avx2}, see pom.xml) it also proves that the emulation is in effect, so that
 * run cannot silently test the fast paths again.
 */
class CapabilitiesTest {
    private static final Capabilities CAPS = Capabilities.get();

    private static boolean x86() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /** Whether oneDNN's ISA is capped below AVX-512 in the environment (e.g. ONEDNN_MAX_CPU_ISA=AVX2). */
    private static boolean onednnCappedBelowAvx512() {
        String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
        return cap != null && !cap.toUpperCase(Locale.ROOT).startsWith("AVX512") && !cap.toUpperCase(Locale.ROOT).startsWith("AVX10")
                && !cap.equalsIgnoreCase("ALL") && !cap.toUpperCase(Locale.ROOT).startsWith("AMX");
    }

    @Test
    void pathsFollowTheCpuFlagsAndTheSwitch() {
        String setting = System.getProperty(ProductPaths.PROPERTY, System.getenv(ProductPaths.SWITCH));
        boolean switchedOff = "libtorch".equalsIgnoreCase(setting);
        assertEquals(setting == null ? "auto" : setting.toLowerCase(Locale.ROOT), ProductPaths.setting());
        if (!x86() || !CAPS.hasFlag("avx2")) {
            return; // the expectations below are x86-64's; elsewhere the probe alone decides
        }
        // libtorch packs bfloat16 where the CPU has AVX-512 BW+VL+DQ or AVX-NE-CONVERT and oneDNN is not capped below them
        boolean bf16Packs = (CAPS.hasFlag("avx512bw") && CAPS.hasFlag("avx512vl") && CAPS.hasFlag("avx512dq") || CAPS.hasFlag("avx_ne_convert"))
                && !onednnCappedBelowAvx512();
        assertEquals(switchedOff ? ProductPath.LIBTORCH : ProductPath.ONEDNN_PACKED, ProductPaths.of(ScalarType.Float),
                "float32 on every x86-64 CPU with AVX2: " + OneDnn.refusal(ScalarType.Float));
        ProductPath bf16 = switchedOff ? ProductPath.LIBTORCH : bf16Packs ? ProductPath.ONEDNN_PACKED : ProductPath.ONEDNN_WIDENED;
        assertEquals(bf16, ProductPaths.of(ScalarType.BFloat16), "bfloat16 path; the probe said: " + OneDnn.refusal(ScalarType.BFloat16));
        assertEquals(bf16 != ProductPath.ONEDNN_PACKED, CAPS.bfloat16Notice().isPresent()
                && CAPS.bfloat16Notice().get().contains("slower than float32"), "the bf16 notice says when bf16 falls back");
    }

    @Test
    void theEmulatedAvx2CpuIsInEffectWhenAsked() {
        String expect = System.getenv("PIIP_TEST_CPU");
        if (expect == null) {
            return; // the ordinary run: pathsFollowTheCpuFlagsAndTheSwitch covers it
        }
        assertEquals("avx2", expect, "PIIP_TEST_CPU knows only avx2");
        assertEquals("AVX2", CAPS.atenKernels(), "ATen dispatches AVX2 kernels (ATEN_CPU_CAPABILITY=avx2)");
        assertEquals(ProductPath.ONEDNN_PACKED, ProductPaths.of(ScalarType.Float));
        assertEquals(ProductPath.ONEDNN_WIDENED, ProductPaths.of(ScalarType.BFloat16));
        assertTrue(OneDnn.refusal(ScalarType.BFloat16).contains("bf16"), OneDnn.refusal(ScalarType.BFloat16));
        assertTrue(CAPS.bfloat16Notice().isPresent());
    }

    @Test
    void forcingAPathSwitchesTheDtypesItConcernsAndRestores() {
        ProductPath before = ProductPaths.of(ScalarType.Float);
        try (ProductPaths.Forced f = ProductPaths.force(ProductPath.LIBTORCH)) {
            assertEquals(ProductPath.LIBTORCH, ProductPaths.of(ScalarType.Float));
            assertEquals(ProductPath.LIBTORCH, ProductPaths.of(ScalarType.BFloat16));
            assertFalse(ProductPaths.packingNow());
            assertEquals("libtorch", ProductPaths.setting());
        }
        assertEquals(before, ProductPaths.of(ScalarType.Float));
        if (OneDnn.packs(ScalarType.Float)) {
            try (ProductPaths.Forced f = ProductPaths.force(ProductPath.ONEDNN_WIDENED)) {
                assertEquals(ProductPath.ONEDNN_PACKED, ProductPaths.of(ScalarType.Float), "float32 is not widened");
                assertEquals(ProductPath.ONEDNN_WIDENED, ProductPaths.of(ScalarType.BFloat16));
                assertEquals("onednn-fp32", ProductPaths.setting());
            }
        }
    }

    @Test
    void theSwitchTakesAutoOrLibtorchAndNamesItsSourceOtherwise() {
        assertEquals(null, ProductPaths.parse(null, ProductPaths.SWITCH));
        assertEquals(null, ProductPaths.parse("auto", ProductPaths.SWITCH));
        assertEquals(ProductPath.LIBTORCH, ProductPaths.parse(" LibTorch ", ProductPaths.SWITCH));
        assertEquals(ProductPath.ONEDNN_WIDENED, ProductPaths.parse("onednn-fp32", ProductPaths.SWITCH));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProductPaths.parse("mkl", "-Dpiip.products"));
        assertEquals("-Dpiip.products=mkl: expected auto, libtorch or onednn-fp32", e.getMessage());
    }

    @Test
    void theReportNamesEngineNativesThreadsAndPaths() {
        Map<String, String> rows = CAPS.rows();
        assertTrue(rows.get("engine").startsWith("libtorch 2.10.0"), rows.get("engine"));
        assertEquals(org.bytedeco.javacpp.Loader.getPlatform(), rows.get("natives"));
        assertEquals(Integer.toString(Inference.threads()), rows.get("threads"));
        assertTrue(rows.get("float32 products").startsWith(ProductPaths.of(ScalarType.Float).id()), rows.toString());
        assertTrue(rows.get("bfloat16 products").startsWith(ProductPaths.of(ScalarType.BFloat16).id()), rows.toString());
        if (x86() && CAPS.hasFlag("avx2")) {
            assertTrue(rows.get("cpu features").startsWith("avx2 "), rows.get("cpu features"));
        }
        assertTrue(CAPS.oneLine().contains("products: float32 " + ProductPaths.of(ScalarType.Float).id()), CAPS.oneLine());
    }
}
