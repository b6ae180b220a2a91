package io.piip4j.head.dino;

import java.util.Arrays;

/** The indices of the {@code k} largest values, largest first (equal values by index, as a stable sort). */
final class Ranking {
    private Ranking() {
    }

    /** Over {@code values[from, from + count)}; indices relative to {@code from}. */
    static int[] top(float[] values, int from, int count, int k) {
        if (k > count) {
            throw new IllegalArgumentException("top " + k + " of " + count + " values");
        }
        // sort (value, index) pairs packed in longs: descending value, then ascending index
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = ((long) descendingKey(values[from + i]) << 32) | i;
        }
        Arrays.sort(keys);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }

    /** An int that sorts ascending as the float sorts descending (NaN first, as torch.topk ranks it highest). */
    private static int descendingKey(float v) {
        if (Float.isNaN(v)) {
            return Integer.MIN_VALUE;
        }
        int bits = Float.floatToIntBits(v);
        int unsignedAscending = bits < 0 ? ~bits : bits | Integer.MIN_VALUE; // IEEE order as unsigned ints
        return ~(unsignedAscending ^ Integer.MIN_VALUE); // as signed ints, then reversed
    }
}
