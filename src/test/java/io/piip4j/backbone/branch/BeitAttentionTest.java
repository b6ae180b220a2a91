package io.piip4j.backbone.branch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.nn.Parameter;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.CheckpointException;
import io.piip4j.weights.LoadReport;
import io.piip4j.weights.StateDictLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BEiT's {@code relative_position_index} buffer: the module computes it (the reference's
 * construction, checked here on a 2×2 window), and a checkpoint carrying it loads when its values
 * agree and is refused when they do not.
 */
class BeitAttentionTest {

    @Test
    void indexIsTheReferencesForA2x2Window() {
        // (dh + 1) * 3 + (dw + 1) for tokens (0,0) (0,1) (1,0) (1,1), query i against key j
        long[] expected = {4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4};
        NdArray idx = BeitAttention.relativePositionIndex(2);
        assertEquals(4, idx.shape()[0]);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], idx.data().getLong(i * 8), "entry " + i);
        }
        assertEquals(9, BeitAttention.tableRows(2));
    }

    private static Map<String, NdArray> stateDict(BeitAttention a, NdArray index) {
        Map<String, NdArray> sd = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
            long[] s = e.getValue().shape();
            sd.put(e.getKey(), NdArray.ofFloats(new float[(int) NdArray.numel(s)], s));
        }
        sd.put("relative_position_index", index);
        return sd;
    }

    @Test
    void checkpointIndexIsCheckedNotLoaded() {
        try (BeitAttention a = new BeitAttention(8, 2, true, 2, true)) {
            LoadReport ok = StateDictLoader.load(a, stateDict(a, BeitAttention.relativePositionIndex(2)), true, "beit.pth");
            assertTrue(ok.clean(), ok.summary());
            assertEquals(a.namedParameters().size(), ok.loaded());

            ByteBuffer b = ByteBuffer.allocate(16 * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 16; i++) {
                b.putLong(i % 9);
            }
            b.flip();
            NdArray wrong = new NdArray(io.piip4j.tensor.DType.INT64, new long[] {4, 4}, b);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> StateDictLoader.load(a, stateDict(a, wrong), true, "beit.pth"));
            assertTrue(e.getMessage().contains("relative_position_index (checkpoint values differ"), e.getMessage());
        }
    }
}
