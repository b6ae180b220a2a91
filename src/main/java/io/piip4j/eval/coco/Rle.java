package io.piip4j.eval.coco;

import java.util.Arrays;
import java.util.List;

/**
 * A binary mask as COCO stores it: run lengths over the pixels in column-major order (down each
 * column, then the next column), starting with a run of zeros (possibly empty) and alternating.
 * The operations follow pycocotools' maskApi.c, on which the metrics depend to the last bit.
 */
public final class Rle {
    private final int height;
    private final int width;
    private final int[] counts;

    public Rle(int height, int width, int[] counts) {
        this.height = height;
        this.width = width;
        this.counts = counts;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The run lengths (not copied: do not modify). */
    public int[] counts() {
        return counts;
    }

    /** Number of foreground pixels: the sum of the odd runs. */
    public long area() {
        long a = 0;
        for (int j = 1; j < counts.length; j += 2) {
            a += counts[j];
        }
        return a;
    }

    /**
     * The tight box {x, y, w, h} of the foreground, as rleToBbox computes it: a run crossing a
     * column boundary makes the box span the whole height; an empty mask gives zeros.
     */
    public double[] toBbox() {
        int m = (counts.length / 2) * 2;
        if (m == 0) {
            return new double[4];
        }
        long h = height;
        long xs = width;
        long ys = height;
        long xe = 0;
        long ye = 0;
        long cc = 0;
        long xp = 0;
        for (int j = 0; j < m; j++) {
            cc += counts[j];
            long t = cc - j % 2;
            long y = t % h;
            long x = (t - y) / h;
            if (j % 2 == 0) {
                xp = x;
            } else if (xp < x) {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    }

    /** The mask as bytes 0/1 in column-major order (index x * height + y). */
    public byte[] decode() {
        byte[] mask = new byte[Math.multiplyExact(height, width)];
        int p = 0;
        byte v = 0;
        for (int c : counts) {
            Arrays.fill(mask, p, p + c, v);
            p += c;
            v = (byte) (1 - v);
        }
        return mask;
    }

    /** Run-length encodes a column-major 0/non-zero mask of height × width. */
    public static Rle encode(byte[] columnMajor, int height, int width) {
        int a = Math.multiplyExact(height, width);
        if (columnMajor.length != a) {
            throw new IllegalArgumentException("mask has " + columnMajor.length + " pixels, expected " + height + "x" + width);
        }
        int[] cnts = new int[a + 1];
        int k = 0;
        int c = 0;
        boolean p = false;
        for (int j = 0; j < a; j++) {
            boolean on = columnMajor[j] != 0;
            if (on != p) {
                cnts[k++] = c;
                c = 0;
                p = on;
            }
            c++;
        }
        cnts[k++] = c;
        return new Rle(height, width, Arrays.copyOf(cnts, k));
    }

    /**
     * The union (or intersection) of masks of one size, as rleMerge: runs are re-cut wherever the
     * result changes value. Masks of different sizes give an empty 0×0 mask, as the C code does.
     */
    public static Rle merge(List<Rle> rles, boolean intersect) {
        if (rles.isEmpty()) {
            return new Rle(0, 0, new int[0]);
        }
        Rle first = rles.get(0);
        if (rles.size() == 1) {
            return first;
        }
        int h = first.height;
        int w = first.width;
        int[] cnts = first.counts.clone();
        int m = cnts.length;
        for (int i = 1; i < rles.size(); i++) {
            Rle b = rles.get(i);
            if (b.height != h || b.width != w) {
                return new Rle(0, 0, new int[0]);
            }
            int[] out = new int[m + b.counts.length + 1];
            RunPairs walk = new RunPairs(Arrays.copyOf(cnts, m), b.counts);
            long cc = 0;
            m = 0;
            while (walk.next()) {
                cc += walk.length;
                // a run ends where the next stretch's value differs, or at the end
                boolean v = intersect ? walk.inA && walk.inB : walk.inA || walk.inB;
                boolean next = intersect ? walk.nextInA() && walk.nextInB() : walk.nextInA() || walk.nextInB();
                if (v != next || walk.last()) {
                    out[m++] = (int) cc;
                    cc = 0;
                }
            }
            cnts = out;
        }
        return new Rle(h, w, Arrays.copyOf(cnts, m));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + height + "x" + width + ", " + RleString.encode(this) + "]";
    }
}
