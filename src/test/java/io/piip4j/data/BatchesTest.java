package io.piip4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Epoch order and augmentation follow from (seed, epoch, batch) alone; the crop and flip do what they say. */
class BatchesTest {
    private static ImageSet ramp(int n) {
        byte[] px = new byte[n * 16];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i % 16 + 1);
        }
        return new ImageSet(px, new int[n], 1, 4, 4, List.of("x"));
    }

    @Test
    void orderIsAPermutationFixedBySeedAndEpoch() {
        int[] a = Batches.order(100, 7, 3);
        assertArrayEquals(a, Batches.order(100, 7, 3));
        assertFalse(Arrays.equals(a, Batches.order(100, 7, 4)));
        int[] s = a.clone();
        Arrays.sort(s);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, s[i]);
        }
        assertEquals(3, Batches.count(10, 3, true));
        assertEquals(4, Batches.count(10, 3, false));
    }

    @Test
    void batchesRepeatExactly() {
        ImageSet d = ramp(32);
        int[] order = Batches.order(32, 1, 0);
        Augment aug = new Augment(1, true);
        assertArrayEquals(Batches.train(d, order, 2, 8, aug, 1, 0).pixels(), Batches.train(d, order, 2, 8, aug, 1, 0).pixels());
    }

    @Test
    void flipMirrorsAndPaddedCropShifts() {
        byte[] src = new byte[16];
        for (int i = 0; i < 16; i++) {
            src[i] = (byte) (i + 1);
        }
        byte[] dst = new byte[16];
        // find a generator state that flips without shifting (pad 0 → only the flip is random)
        new Augment(0, true).apply(src, 0, dst, 0, 1, 4, 4, new SplittableRandom(5));
        boolean flipped = dst[0] == 4;
        assertEquals(flipped ? 4 : 1, dst[0]);
        // with padding, every output pixel is either zero or a source pixel from a shifted window
        new Augment(2, false).apply(src, 0, dst, 0, 1, 4, 4, new SplittableRandom(3));
        for (byte v : dst) {
            assertFalse(v < 0 || v > 16);
        }
    }
}
