package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Tensors;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Our AdamW performs libtorch's own AdamW arithmetic: same parameters after every step, bit for bit. */
class AdamWTest {
    static final class Holder extends Module {
        final Parameter w = parameter("w", 6, 5);
    }

    @Test
    void matchesLibtorchAdamWBitForBit() {
        torch.manual_seed(4);
        Tensor init = torch.randn(6, 5);
        Holder h = new Holder();
        Tensor ours = init.clone();
        ours.set_requires_grad(true);
        h.w.set(ours);
        Tensor theirs = init.clone();
        theirs.set_requires_grad(true);
        double lr = 3e-3;
        double wd = 0.05;
        AdamWOptions o = new AdamWOptions(lr);
        o.weight_decay().put(wd);
        org.bytedeco.pytorch.AdamW reference = new org.bytedeco.pytorch.AdamW(new TensorVector(theirs), o);
        ParamGroups.Group g = new ParamGroups.Group("g", List.of("w"), List.of(h.w), 1.0, wd);
        try (AdamW mine = new AdamW(List.of(g), 0.9, 0.999, 1e-8)) {
            mine.setLearningRate(lr);
            for (int step = 1; step <= 6; step++) {
                Tensor c = torch.randn(6, 5);
                try (PointerScope s = new PointerScope()) {
                    mine.zeroGrad();
                    ours.mul(c).pow(new Scalar(2)).sum().backward();
                    mine.step();
                    reference.zero_grad();
                    theirs.mul(c).pow(new Scalar(2)).sum().backward();
                    reference.step();
                }
                assertArrayEquals(Tensors.toFloats(theirs), Tensors.toFloats(ours), "step " + step);
            }
            assertEquals(6, mine.stepCount(0));
        }
    }

    @Test
    void scheduleWarmsUpThenFollowsTheCosine() {
        LrSchedule s = new LrSchedule(1e-3, 1e-5, 1e-6, 10, 110);
        assertEquals(1e-6, s.at(0), 1e-12);
        assertEquals(1e-6 + (1e-3 - 1e-6) * 5 / 10, s.at(5), 1e-12);
        assertEquals(1e-3, s.at(10), 1e-12);
        assertEquals(1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + Math.cos(Math.PI * 50 / 99)), s.at(10 + 50), 1e-12);
        assertTrue(s.at(60) < s.at(59) && s.at(60) > s.at(61));
        assertEquals(1e-5, s.at(109), 1e-12);
    }
}
