package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.Inference;
import io.piip4j.tensor.OneDnn;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Close;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * {@link Linear} at inference runs oneDNN on a packed copy of its weight: it must give libtorch's
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

    @Test
    void agreesWithLibtorchOnTokensOfAnyRank() {
        assertTrue(OneDnn.enabled(), "the oneDNN linear ops are registered in this libtorch build");
        Linear l = layer(192, 576, 1);
        Inference.run(() -> {
            for (long[] shape : new long[][] {{530, 192}, {2, 530, 192}, {1, 7, 3, 192}}) {
                Tensor x = torch.randn(shape);
                Tensor y = l.forward(x);
                assertEquals(shape.length, y.dim());
                assertEquals(576, y.size(-1));
                assertTrue(Close.maxRelative(y, reference(l, x)) < 1e-5, "fp32 oneDNN vs libtorch for " + java.util.Arrays.toString(shape));
            }
            return null;
        });
    }

    @Test
    void followsTheWeightWhenReplacedOrUpdatedInPlace() {
        Linear l = layer(64, 32, 2);
        Tensor x = torch.randn(10, 64);
        Parameter w = l.namedParameters().get("weight");
        try (NoGradGuard g = new NoGradGuard()) {
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

    @Test
    void bfloat16WeightsRunInBfloat16() {
        Linear l = layer(384, 1152, 3);
        Tensor x = torch.randn(145, 384);
        Tensor exact = reference(l, x);
        MixedPrecision.toBfloat16(l);
        double err = Inference.run(() -> {
            Tensor y = l.forward(x);
            assertEquals(ScalarType.BFloat16.value, y.scalar_type().value);
            return Close.maxRelative(y.to(ScalarType.Float), exact);
        });
        assertTrue(err < 2e-2 && err > 0, "bf16 product within bf16 rounding of fp32, got " + err);
    }

    @Test
    void withGradientsTheProductIsLibtorchsAndDifferentiable() {
        Linear l = layer(16, 8, 4);
        assertTrue(GradMode.is_enabled());
        assertFalse(OneDnn.applies(l.namedParameters().get("weight").get()));
        Tensor w = l.namedParameters().get("weight").get();
        w.set_requires_grad(true);
        Tensor y = l.forward(torch.randn(4, 16));
        y.sum().backward();
        assertTrue(w.grad().defined(), "gradient reaches the weight");
    }

    @Test
    void keepingOnlyThePackedWeightFreesThePlainOneAndGivesItBackExactly() {
        Linear l = layer(96, 48, 5);
        Parameter w = l.namedParameters().get("weight");
        Tensor original = w.get().clone();
        Tensor x = torch.randn(7, 96);
        l.keepOnlyPackedWeight();
        try (NoGradGuard g = new NoGradGuard()) {
            float[] first = Tensors.toFloats(l.forward(x));
            assertTrue(w.isSet());
            assertTrue(w.peek() == null, "plain weight freed once packed");
            float[] again = Tensors.toFloats(l.forward(x));
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, again, "the packed weight alone serves the next forward");
            assertTrue(torch.equal(w.get(), original), "unpacked weight equals the loaded one bit for bit");
            assertTrue(Close.maxRelative(l.forward(x), reference(l, x)) < 1e-5);
            w.set(torch.randn(48, 96)); // replaced after offloading: the new weight is used
            assertTrue(Close.maxRelative(l.forward(x), reference(l, x)) < 1e-5);
            MixedPrecision.toBfloat16(l); // converting rebuilds, converts, and packs the bf16 weight
            Tensor y = l.forward(x);
            assertEquals(ScalarType.BFloat16.value, y.scalar_type().value);
            assertTrue(w.peek() == null);
        }
    }

    @Test
    void geluFusedIntoTheProductMatchesTheTwoSteps() {
        Linear l = layer(64, 256, 6);
        Tensor x = torch.randn(2, 33, 64);
        for (boolean tanh : new boolean[] {false, true}) {
            Tensor want = tanh ? torch.gelu(reference(l, x), "tanh") : torch.gelu(reference(l, x));
            try (NoGradGuard g = new NoGradGuard()) {
                assertTrue(Close.maxRelative(l.forwardGelu(x, tanh), want) < 1e-5, "fused GELU (tanh=" + tanh + ")");
            }
            assertTrue(Close.maxRelative(l.forwardGelu(x, tanh).detach(), want) < 1e-6, "unfused with gradients (tanh=" + tanh + ")");
        }
    }

    @Test
    void closingTheModuleFreesThePackedCopy() {
        Linear l = layer(32, 16, 7);
        l.keepOnlyPackedWeight();
        try (NoGradGuard g = new NoGradGuard()) {
            l.forward(torch.randn(3, 32));
        }
        assertTrue(l.packedWeight().isPacked());
        l.close();
        assertFalse(l.packedWeight().isPacked(), "close() frees the packed weight, not only the parameters");
        assertFalse(l.namedParameters().get("weight").isSet());
    }
}
