package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.Inference;
import io.piip4j.tensor.OneDnn;
import io.piip4j.tensor.ProductPath;
import io.piip4j.tensor.ProductPaths;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Close;
import io.piip4j.testing.Paths;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Linear} at inference, on each {@link ProductPath}: oneDNN on a packed copy of its weight
 * where this CPU takes the dtype, libtorch's kernels otherwise. Either must give libtorch's
 * product, follow the weight when it is replaced or updated in place, and stay off with gradients.
 */
class LinearInferencePathTest {
    private static Linear layer(long in, long out, long seed) {
        torch.manual_seed(seed);
        Linear l = new Linear(in, out);
        for (Parameter p : l.namedParameters().values()) {
            p.set(torch.randn(p.shape()));
        }
        return l;
    }

    private static Tensor reference(Linear l, Tensor x) {
        Tensor w = l.namedParameters().get("weight").get();
        Tensor b = l.namedParameters().get("bias").get();
        return torch.linear(x, w, new TensorOptional(b));
    }

    static java.util.stream.Stream<ProductPath> paths() {
        return Paths.float32();
    }

    static java.util.stream.Stream<ProductPath> bfloat16Paths() {
        return Paths.bfloat16();
    }

    @Test
    void float32AlwaysPacksOnX86() {
        // every x86-64 CPU with AVX2 packs float32; only the bfloat16 path depends on AVX-512 / AVX-NE-CONVERT
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            assertTrue(OneDnn.packs(ScalarType.Float), "oneDNN float32 products here: " + OneDnn.refusal(ScalarType.Float));
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void agreesWithLibtorchOnTokensOfAnyRank(ProductPath path) {
        Linear l = layer(192, 576, 1);
        try (ProductPaths.Forced p = Paths.use(path, ScalarType.Float)) {
            Inference.run(() -> {
                for (long[] shape : new long[][] {{530, 192}, {2, 530, 192}, {1, 7, 3, 192}}) {
                    Tensor x = torch.randn(shape);
                    Tensor y = l.forward(x);
                    assertEquals(shape.length, y.dim());
                    assertEquals(576, y.size(-1));
                    assertTrue(Close.maxRelative(y, reference(l, x)) < 1e-5, path + " vs libtorch for " + java.util.Arrays.toString(shape));
                }
                return null;
            });
            assertEquals(path == ProductPath.ONEDNN_PACKED, l.packedWeight().isPacked(), "the product took " + path);
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void followsTheWeightWhenReplacedOrUpdatedInPlace(ProductPath path) {
        Linear l = layer(64, 32, 2);
        Tensor x = torch.randn(10, 64);
        Parameter w = l.namedParameters().get("weight");
        try (ProductPaths.Forced p = Paths.use(path, ScalarType.Float); NoGradGuard g = new NoGradGuard()) {
            Tensor first = l.forward(x);
            assertTrue(Close.maxRelative(first, reference(l, x)) < 1e-5);
            w.get().mul_(new Scalar(-2.0)); // in place: the version counter moves
            Tensor second = l.forward(x);
            assertTrue(Close.maxRelative(second, reference(l, x)) < 1e-5, "in-place update seen");
            w.set(torch.randn(32, 64)); // a new tensor
            Tensor third = l.forward(x);
            assertTrue(Close.maxRelative(third, reference(l, x)) < 1e-5, "replacement seen");
        }
    }

    @ParameterizedTest
    @MethodSource("bfloat16Paths")
    void bfloat16WeightsRunInBfloat16(ProductPath path) {
        Linear l = layer(384, 1152, 3);
        Tensor x = torch.randn(145, 384);
        Tensor exact = reference(l, x);
        MixedPrecision.toBfloat16(l);
        try (ProductPaths.Forced p = Paths.use(path, ScalarType.BFloat16)) {
            double err = Inference.run(() -> {
                Tensor y = l.forward(x);
                assertEquals(ScalarType.BFloat16.value, y.scalar_type().value);
                return Close.maxRelative(y.to(ScalarType.Float), exact);
            });
            assertTrue(err < 2e-2 && err > 0, path + ": bf16 product within bf16 rounding of fp32, got " + err);
            assertEquals(path != ProductPath.LIBTORCH, l.packedWeight().isPacked(), "the product took " + path);
        }
    }

    @Test
    void widenedBfloat16GivesTheNumbersOfABfloat16ProductAndUnpacksToBfloat16() {
        // bf16 × bf16 products are exact in float32, so widening changes only the summation order
        Linear l = layer(256, 96, 9);
        MixedPrecision.toBfloat16(l);
        Tensor x = torch.randn(33, 256).to(ScalarType.BFloat16);
        Tensor want;
        try (ProductPaths.Forced p = ProductPaths.force(ProductPath.LIBTORCH); NoGradGuard g = new NoGradGuard()) {
            want = l.forward(x).to(ScalarType.Float); // libtorch's own bfloat16 kernels
        }
        Parameter w = l.namedParameters().get("weight");
        Tensor original = w.get().clone();
        l.keepOnlyPackedWeight();
        try (ProductPaths.Forced p = Paths.use(ProductPath.ONEDNN_WIDENED, ScalarType.BFloat16); NoGradGuard g = new NoGradGuard()) {
            Tensor y = l.forward(x);
            assertEquals(ScalarType.BFloat16.value, y.scalar_type().value, "rounded back to bfloat16");
            assertTrue(Close.maxRelative(y.to(ScalarType.Float), want) <= 8e-3, "within one bf16 rounding of the bf16 kernel's result");
            assertTrue(w.peek() == null, "offloaded once packed");
            assertEquals(ScalarType.BFloat16.value, w.get().scalar_type().value, "unpacks to the weight's own dtype");
            assertTrue(torch.equal(w.get(), original), "and bit for bit");
            Tensor g2 = l.forwardGelu(x, false);
            assertEquals(ScalarType.BFloat16.value, g2.scalar_type().value);
        }
    }

    @Test
    void withGradientsTheProductIsLibtorchsAndDifferentiable() {
        Linear l = layer(16, 8, 4);
        assertTrue(GradMode.is_enabled());
        assertFalse(ProductPaths.packingNow());
        Tensor w = l.namedParameters().get("weight").get();
        w.set_requires_grad(true);
        Tensor y = l.forward(torch.randn(4, 16));
        y.sum().backward();
        assertTrue(w.grad().defined(), "gradient reaches the weight");
        assertFalse(l.packedWeight().isPacked());
    }

    @Test
    void keepingOnlyThePackedWeightFreesThePlainOneAndGivesItBackExactly() {
        Linear l = layer(96, 48, 5);
        Parameter w = l.namedParameters().get("weight");
        Tensor original = w.get().clone();
        Tensor x = torch.randn(7, 96);
        l.keepOnlyPackedWeight();
        try (ProductPaths.Forced p = Paths.use(ProductPath.ONEDNN_PACKED, ScalarType.Float); NoGradGuard g = new NoGradGuard()) {
            float[] first = Tensors.toFloats(l.forward(x));
            assertTrue(w.isSet());
            assertTrue(w.peek() == null, "plain weight freed once packed");
            float[] again = Tensors.toFloats(l.forward(x));
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, again, "the packed weight alone serves the next forward");
            assertTrue(torch.equal(w.get(), original), "unpacked weight equals the loaded one bit for bit");
            assertTrue(Close.maxRelative(l.forward(x), reference(l, x)) < 1e-5);
            w.set(torch.randn(48, 96)); // replaced after offloading: the new weight is used
            assertTrue(Close.maxRelative(l.forward(x), reference(l, x)) < 1e-5);
            MixedPrecision.toBfloat16(l); // converting rebuilds and converts; bf16 packs (or widens) where this CPU takes it
            Tensor y = l.forward(x);
            assertEquals(ScalarType.BFloat16.value, y.scalar_type().value);
            boolean bf16Packs = ProductPaths.of(ScalarType.BFloat16) != ProductPath.LIBTORCH;
            assertEquals(bf16Packs, w.peek() == null, "bf16 weight offloaded exactly when it was packed");
        }
    }

    @Test
    void aPackedModelFallsBackWhenTheSwitchTurnsPackingOff() {
        // a loaded model keeps only packed weights; forcing libtorch afterwards rebuilds the plain weight losslessly
        Linear l = layer(40, 24, 8);
        Tensor x = torch.randn(5, 40);
        l.keepOnlyPackedWeight();
        try (ProductPaths.Forced p = Paths.use(ProductPath.ONEDNN_PACKED, ScalarType.Float); NoGradGuard g = new NoGradGuard()) {
            float[] packed = Tensors.toFloats(l.forward(x));
            try (ProductPaths.Forced plain = ProductPaths.force(ProductPath.LIBTORCH)) {
                assertTrue(Close.maxRelative(l.forward(x), Tensors.fromFloats(packed, 5, 24)) < 1e-5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void geluFusedIntoTheProductMatchesTheTwoSteps(ProductPath path) {
        Linear l = layer(64, 256, 6);
        Tensor x = torch.randn(2, 33, 64);
        try (ProductPaths.Forced p = Paths.use(path, ScalarType.Float)) {
            for (boolean tanh : new boolean[] {false, true}) {
                Tensor want = tanh ? torch.gelu(reference(l, x), "tanh") : torch.gelu(reference(l, x));
                try (NoGradGuard g = new NoGradGuard()) {
                    assertTrue(Close.maxRelative(l.forwardGelu(x, tanh), want) < 1e-5, path + ": GELU (tanh=" + tanh + ")");
                }
                assertTrue(Close.maxRelative(l.forwardGelu(x, tanh).detach(), want) < 1e-6, "unfused with gradients (tanh=" + tanh + ")");
            }
        }
    }

    @Test
    void closingTheModuleFreesThePackedCopy() {
        Linear l = layer(32, 16, 7);
        l.keepOnlyPackedWeight();
        try (ProductPaths.Forced p = Paths.use(ProductPath.ONEDNN_PACKED, ScalarType.Float); NoGradGuard g = new NoGradGuard()) {
            l.forward(torch.randn(3, 32));
        }
        assertTrue(l.packedWeight().isPacked());
        l.close();
        assertFalse(l.packedWeight().isPacked(), "close() frees the packed weight, not only the parameters");
        assertFalse(l.namedParameters().get("weight").isSet());
    }
}
