package io.piip4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.piip4j.tensor.NdArray;

/** Equality of arrays as files define it: same dtype, same shape, identical bytes. */
public final class ArrayAsserts {

    private ArrayAsserts() {
    }

    public static void assertSameArray(NdArray expected, NdArray actual, String what) {
        assertNotNull(actual, what + ": missing");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.data().duplicate().rewind(), actual.data().duplicate().rewind(), what + ": bytes");
    }
}
