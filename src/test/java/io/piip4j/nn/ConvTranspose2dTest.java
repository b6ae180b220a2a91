package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.ProductPath;
import io.piip4j.tensor.ProductPaths;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Close;
import io.piip4j.testing.Paths;
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
 * The 2×2 stride-2 transposed convolution of the simple FPN at inference (a per-pixel linear product
 * on oneDNN, written channels-last) against libtorch's {@code conv_transpose2d}.
 */
class ConvTranspose2dTest {
    private static ConvTranspose2d layer(long in, long out, long seed) {
        torch.manual_seed(seed);
        ConvTranspose2d up = new ConvTranspose2d(in, out, 2, 2);
        for (Parameter p : up.namedParameters().values()) {
            p.set(torch.randn(p.shape()));
        }
        return up;
    }

    private static Tensor reference(ConvTranspose2d up, Tensor x) {
        return torch.conv_transpose2d(x, up.namedParameters().get("weight").get(), new TensorOptional(up.namedParameters().get("bias").get()),
                new long[] {2, 2}, new long[] {0, 0}, new long[] {0, 0}, 1, 1, 1);
    }

    @ParameterizedTest
    @MethodSource("io.piip4j.testing.Paths#float32")
    void perPixelProductEqualsTheTransposedConvolution(ProductPath path) {
        ConvTranspose2d up = layer(24, 40, 1);
        Tensor x = torch.randn(2, 24, 5, 7);
        Tensor want = reference(up, x);
        try (ProductPaths.Forced p = Paths.use(path, ScalarType.Float); NoGradGuard g = new NoGradGuard()) {
            Tensor y = up.forward(x);
            assertArrayEquals(new long[] {2, 40, 10, 14}, Tensors.shape(y));
            assertTrue(Close.maxRelative(y, want) < 1e-5, path + " vs conv_transpose2d");
            Tensor again = up.forward(y.narrow(1, 0, 24)); // a channels-last input, as the FPN chains them
            assertTrue(Close.maxRelative(again, reference(up, y.narrow(1, 0, 24).contiguous())) < 1e-5);
        }
    }

    @Test
    void packedOnlyWeightComesBackExactly() {
        ConvTranspose2d up = layer(16, 8, 2);
        Parameter w = up.namedParameters().get("weight");
        Tensor original = w.get().clone();
        up.keepOnlyPackedWeight();
        try (ProductPaths.Forced p = Paths.use(ProductPath.ONEDNN_PACKED, ScalarType.Float); NoGradGuard g = new NoGradGuard()) {
            up.forward(torch.randn(1, 16, 3, 3));
        }
        assertTrue(w.peek() == null, "plain weight freed once packed");
        Tensor back = w.get();
        assertArrayEquals(new long[] {16, 8, 2, 2}, Tensors.shape(back));
        assertTrue(torch.equal(back, original), "unpacked weight equals the loaded one bit for bit");
        Tensor x = torch.randn(1, 16, 3, 3).mul(new Scalar(2.0));
        try (NoGradGuard g = new NoGradGuard()) {
            assertTrue(Close.maxRelative(up.forward(x), reference(up, x)) < 1e-5);
        }
    }
}
