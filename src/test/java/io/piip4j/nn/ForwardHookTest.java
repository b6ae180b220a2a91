package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Forward hooks: where they fire, in which order, what a step reports, and that they come off. */
class ForwardHookTest {
    private static <M extends Module> M filled(M m) {
        torch.manual_seed(3);
        for (Parameter p : m.namedParameters().values()) {
            p.set(torch.randn(p.shape()));
        }
        return m;
    }

    private static Module.ForwardHook recorder(String tag, List<String> log) {
        return (module, step) -> {
            log.add(tag + " enter " + step);
            return () -> log.add(tag + " exit " + step);
        };
    }

    @Test
    void hooksWrapTheForwardInOrderAndComeOff() throws Exception {
        Linear l = filled(new Linear(4, 3));
        Tensor x = torch.randn(2, 4);
        float[] plain = Tensors.toFloats(l.forward(x));
        assertFalse(l.hooked());
        List<String> log = new ArrayList<>();
        AutoCloseable a = l.addForwardHook(recorder("a", log));
        AutoCloseable b = l.addForwardHook(recorder("b", log));
        assertTrue(l.hooked());
        float[] hooked = Tensors.toFloats(l.forward(x));
        assertEquals(List.of("a enter forward", "b enter forward", "b exit forward", "a exit forward"), log);
        org.junit.jupiter.api.Assertions.assertArrayEquals(plain, hooked, 0f);
        a.close();
        b.close();
        assertFalse(l.hooked());
        log.clear();
        l.forward(x);
        assertEquals(List.of(), log);
    }

    @Test
    void aModuleReportsItsNamedStepsInsideItsForward() throws Exception {
        MSDeformAttn d = filled(new MSDeformAttn(16, 2, 2, 1.0, 16));
        List<String> log = new ArrayList<>();
        try (AutoCloseable h = d.addForwardHook(recorder("d", log))) {
            d.forward(torch.randn(1, 3, 16), torch.rand(1, 3, 1, 2), torch.randn(1, 12, 16), 3, 4);
        }
        assertEquals(List.of("d enter forward", "d enter sampling", "d exit sampling", "d exit forward"), log);
    }

    @Test
    void aHookExitsWhenTheForwardFails() throws Exception {
        Linear l = filled(new Linear(4, 3));
        List<String> log = new ArrayList<>();
        try (AutoCloseable h = l.addForwardHook(recorder("a", log))) {
            assertThrows(RuntimeException.class, () -> l.forward(torch.randn(2, 5)));
        }
        assertEquals(List.of("a enter forward", "a exit forward"), log);
    }
}
