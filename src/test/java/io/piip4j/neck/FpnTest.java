package io.piip4j.neck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The FPN's module tree follows mmdetection's start_level / end_level (inclusive) / add_extra_convs. */
class FpnTest {
    private static final int[] IN = {8, 16, 32, 64};

    private static Set<String> keys(Fpn f) {
        return f.namedParameters().keySet();
    }

    @Test
    void poolingExtraLevelsAddNoConvs() {
        Fpn f = new Fpn(IN, 4, 5, 0, -1, Fpn.ExtraSource.NONE, false);
        assertEquals(16, keys(f).size());
        assertTrue(keys(f).contains("lateral_convs.3.conv.weight"));
        assertEquals(5, f.numOuts());
    }

    @Test
    void endLevelIsInclusive() {
        Fpn f = new Fpn(IN, 4, 3, 0, 2, Fpn.ExtraSource.NONE, false);
        assertTrue(keys(f).contains("lateral_convs.2.conv.weight"));
        assertTrue(!keys(f).contains("lateral_convs.3.conv.weight"));
        assertEquals(new Fpn(IN, 4, 4, 0, 3, Fpn.ExtraSource.NONE, false).namedParameters().size(), 16);
        assertThrows(IllegalArgumentException.class, () -> new Fpn(IN, 4, 5, 0, 2, Fpn.ExtraSource.NONE, false));
    }

    @Test
    void extraConvsTakeTheirInputChannels() {
        Fpn f = new Fpn(IN, 4, 6, 1, -1, Fpn.ExtraSource.ON_INPUT, false);
        assertEquals(64, f.namedParameters().get("fpn_convs.3.conv.weight").shape()[1]);
        assertEquals(4, f.namedParameters().get("fpn_convs.4.conv.weight").shape()[1]);
        Fpn g = new Fpn(IN, 4, 6, 1, -1, Fpn.ExtraSource.ON_OUTPUT, true);
        assertEquals(4, g.namedParameters().get("fpn_convs.3.conv.weight").shape()[1]);
        assertEquals(Fpn.ExtraSource.ON_INPUT, Fpn.ExtraSource.parse(true));
        assertEquals(Fpn.ExtraSource.NONE, Fpn.ExtraSource.parse(false));
    }
}
