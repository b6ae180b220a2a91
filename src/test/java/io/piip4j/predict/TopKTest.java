package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void softmaxSumsToOneAndIsStable() {
        float[] logits = {1000f, 999f, -1000f, 0f};
        double[] p = TopK.softmax(logits);
        double sum = 0;
        for (double v : p) {
            assertTrue(Double.isFinite(v) && v >= 0);
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12);
        assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-12);
        assertEquals(0.25, TopK.softmax(new float[] {3, 3, 3, 3})[2], 1e-15);
    }

    @Test
    void orderingAndLabels() {
        float[] logits = {0.1f, 2.5f, -1f, 2.0f, 0.3f};
        List<Classification> top = TopK.topK(logits, 3, List.of("a", "b", "c", "d", "e"));
        assertEquals(3, top.size());
        assertEquals(1, top.get(0).index());
        assertEquals("b", top.get(0).label());
        assertEquals(3, top.get(1).index());
        assertEquals("d", top.get(1).label());
        assertEquals(4, top.get(2).index());
        assertTrue(top.get(0).probability() > top.get(1).probability());
        assertTrue(top.get(1).probability() > top.get(2).probability());
        double[] p = TopK.softmax(logits);
        assertEquals(p[1], top.get(0).probability(), 0.0);
    }

    @Test
    void tiesGoToLowerIndex() {
        List<Classification> top = TopK.topK(new float[] {1f, 5f, 5f, 1f, 5f}, 4, null);
        assertEquals(List.of(1, 2, 4, 0), top.stream().map(Classification::index).toList());
        assertEquals("class_1", top.get(0).label());
    }

    @Test
    void kClampsAndEdgeCases() {
        float[] logits = {0f, 1f, 2f};
        List<Classification> all = TopK.topK(logits, 10, List.of("x", "y", "z"));
        assertEquals(3, all.size());
        assertEquals(1.0, all.stream().mapToDouble(Classification::probability).sum(), 1e-12);
        assertEquals("z", all.get(0).label());
        assertEquals(List.of(), TopK.topK(logits, 0, null));
        assertEquals(List.of(), TopK.topK(new float[0], 5, null));
        assertThrows(IllegalArgumentException.class, () -> TopK.topK(logits, -1, null));
        // Fewer names than classes: fall back to generic names.
        assertEquals("class_2", TopK.topK(logits, 1, List.of("x")).get(0).label());
    }
}
