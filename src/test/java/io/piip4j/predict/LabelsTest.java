package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void imagenet() {
        List<String> n = Labels.imagenet1k();
        assertEquals(1000, n.size());
        assertEquals("tench", n.get(0));
        assertEquals("goldfish", n.get(1));
        assertEquals("great white shark", n.get(2));
        assertEquals("toilet tissue", n.get(999));
        assertSame(n, Labels.imagenet1k());
        assertThrows(UnsupportedOperationException.class, () -> n.set(0, "x"));
    }

    @Test
    void coco() {
        List<String> n = Labels.coco80();
        assertEquals(80, n.size());
        assertEquals("person", n.get(0));
        assertEquals("bicycle", n.get(1));
        assertEquals(80, new HashSet<>(n).size());
    }

    @Test
    void ade20k() {
        List<Labels.SegClass> c = Labels.ade20k150();
        assertEquals(150, c.size());
        assertEquals(new Labels.SegClass(0, "wall", 120, 120, 120), c.get(0));
        assertEquals(new Labels.SegClass(2, "sky", 6, 230, 230), c.get(2));
        assertEquals(new Labels.SegClass(149, "flag", 92, 0, 255), c.get(149));
        assertEquals(0x5C00FF, c.get(149).rgb());
        for (int i = 0; i < c.size(); i++) {
            assertEquals(i, c.get(i).index());
        }
        assertEquals("building", Labels.ade20k150Names().get(1));
        assertEquals(150, Labels.ade20k150Names().size());
    }

    @Test
    void generic() {
        assertEquals(List.of("class_0", "class_1", "class_2"), Labels.generic(3));
        assertEquals(List.of(), Labels.generic(0));
        assertThrows(IllegalArgumentException.class, () -> Labels.generic(-1));
    }
}
