package io.piip4j.eval.coco;

import java.util.Arrays;

/**
 * COCO's compressed RLE text ("counts" as a string): each run, from the third on stored as the
 * difference to the run two before, is written as a signed number in 5-bit groups, low group
 * first, one character (48 + value, bit 0x20 = more groups follow) per group.
 */
public final class RleString {
    private RleString() {
    }

    public static String encode(Rle rle) {
        int[] cnts = rle.counts();
        StringBuilder s = new StringBuilder(cnts.length * 2);
        for (int i = 0; i < cnts.length; i++) {
            long x = Integer.toUnsignedLong(cnts[i]);
            if (i > 2) {
                x -= Integer.toUnsignedLong(cnts[i - 2]);
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /**
     * Decodes counts text for a mask of height × width.
     *
     * @throws IllegalArgumentException on a character outside the alphabet, a truncated number or
     *     a negative run
     */
    public static Rle decode(String s, int height, int width) {
        int[] cnts = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("counts text ends inside a number");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("character '" + s.charAt(p) + "' at " + p + " is not RLE text");
                }
                if (k >= 12) {
                    throw new IllegalArgumentException("number too long at " + p);
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += Integer.toUnsignedLong(cnts[m - 2]);
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("run " + m + " has length " + x);
            }
            cnts[m++] = (int) x;
        }
        return new Rle(height, width, Arrays.copyOf(cnts, m));
    }
}
