package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.F;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Windowed attention against global attention run window by window: where the zero padding of a
 * grid not divisible by the window goes decides what padded keys contribute (the qkv bias when the
 * tokens are padded, nothing when q/k/v are), which is what tells the reference's two
 * implementations apart.
 */
class WindowedAttentionTest {
    private static final long DIM = 8;
    private static final int HEADS = 2;

    private static void randomize(Module m, long seed) {
        torch.manual_seed(seed);
        for (Parameter p : m.namedParameters().values()) {
            p.set(torch.randn(p.shape()).mul(new Scalar(0.5)));
        }
    }

    private static double maxDiff(Tensor a, Tensor b) {
        float[] x = Tensors.toFloats(a);
        float[] y = Tensors.toFloats(b);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    /** Global attention on each ws×ws window of the token-padded grid, reassembled and cropped. */
    private static Tensor perWindow(Attention global, Tensor x, long h, long w, long ws) {
        long hp = (h + ws - 1) / ws * ws;
        long wp = (w + ws - 1) / ws * ws;
        Tensor grid = F.pad(x.view(1, h, w, DIM), 0, 0, 0, wp - w, 0, hp - h);
        List<Tensor> rows = new ArrayList<>();
        for (long i = 0; i < hp; i += ws) {
            List<Tensor> cols = new ArrayList<>();
            for (long j = 0; j < wp; j += ws) {
                Tensor win = F.slice(F.slice(grid, 1, i, i + ws), 2, j, j + ws).reshape(1, ws * ws, DIM);
                cols.add(global.forward(win).view(1, ws, ws, DIM));
            }
            rows.add(F.cat(2, cols.toArray(new Tensor[0])));
        }
        Tensor full = F.cat(1, rows.toArray(new Tensor[0]));
        return F.slice(F.slice(full, 1, 0, h), 2, 0, w).reshape(1, h * w, DIM);
    }

    @Test
    void paddingTheTokensEqualsAttentionOverTheZeroPaddedGrid() {
        Inference.run(() -> {
            for (String qkNorm : new String[] {null, "RMSNorm"}) {
                WindowedAttention win = new WindowedAttention(DIM, HEADS, true, qkNorm, 1e-6, 2, WindowedAttention.Padding.BEFORE_QKV);
                randomize(win, 1);
                Attention global = new Attention(DIM, HEADS, true, qkNorm, 1e-6);
                global.qkv.namedParameters().forEach((k, p) -> p.set(win.qkv.namedParameters().get(k).get()));
                global.proj.namedParameters().forEach((k, p) -> p.set(win.proj.namedParameters().get(k).get()));
                if (qkNorm != null) {
                    for (String n : new String[] {"q_norm", "k_norm"}) {
                        ((Module) global.children().get(n)).namedParameters().forEach((k, p) ->
                                p.set(((Module) win.children().get(n)).namedParameters().get(k).get()));
                    }
                }
                Tensor x = torch.randn(1, 3 * 5, DIM);
                double d = maxDiff(win.forward(x, 3, 5), perWindow(global, x, 3, 5, 2));
                assertTrue(d < 1e-5, "max diff " + d);
            }
            return null;
        });
    }

    @Test
    void bothPaddingsAgreeWithoutQkvBiasAndDifferWithIt() {
        Inference.run(() -> {
            for (boolean bias : new boolean[] {false, true}) {
                WindowedAttention before = new WindowedAttention(DIM, HEADS, bias, null, 1e-6, 2, WindowedAttention.Padding.BEFORE_QKV);
                WindowedAttention after = new WindowedAttention(DIM, HEADS, bias, null, 1e-6, 2, WindowedAttention.Padding.AFTER_QKV);
                randomize(before, 2);
                randomize(after, 2);
                Tensor x = torch.randn(1, 3 * 5, DIM);
                double d = maxDiff(before.forward(x, 3, 5), after.forward(x, 3, 5));
                assertTrue(bias ? d > 1e-3 : d < 1e-6, "bias " + bias + ": max diff " + d);

                // a divisible grid has no padding: both are global attention within each window
                Tensor y = torch.randn(1, 4 * 4, DIM);
                assertTrue(maxDiff(before.forward(y, 4, 4), after.forward(y, 4, 4)) < 1e-6);
            }
            return null;
        });
    }
}
