package io.piip4j.eval.coco;

import java.util.Arrays;

/**
 * Rasterises a polygon into an {@link Rle} exactly as pycocotools' rleFrPoly: the outline is
 * traced on a 5× finer grid (integer points, rounded half up, C truncation of negatives), the
 * points where it crosses a pixel column's centre line are kept, and each such crossing toggles
 * the mask at that pixel of the column. A pixel is inside when its centre is.
 */
public final class PolygonMask {
    private static final double SCALE = 5;

    private PolygonMask() {
    }

    /** A polygon given as x0, y0, x1, y1, …; an odd trailing number is ignored, as in the C code. */
    public static Rle fromPolygon(double[] xy, int height, int width) {
        int k = xy.length / 2;
        if (k == 0) {
            return new Rle(height, width, new int[] {height * width});
        }
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (SCALE * xy[2 * j] + .5);
            y[j] = (int) (SCALE * xy[2 * j + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        long total = 0;
        for (int j = 0; j < k; j++) {
            total += Math.max(Math.abs((long) x[j] - x[j + 1]), Math.abs((long) y[j] - y[j + 1])) + 1;
        }
        int[] u = new int[Math.toIntExact(total)];
        int[] v = new int[u.length];
        int m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            // a repeated vertex gives 0/0: its one point is never read below (neighbours share its x)
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        // crossings of the column centre lines, back on the pixel grid
        int n = m;
        long[] a = new long[n + 1];
        int c = 0;
        for (int j = 1; j < n; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / SCALE - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) {
                continue;
            }
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / SCALE - .5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > height) {
                yd = height;
            }
            yd = Math.ceil(yd);
            a[c++] = (((long) (int) xd * height + (int) yd) & 0xffffffffL);
        }
        a[c++] = ((long) height * width) & 0xffffffffL;
        Arrays.sort(a, 0, c);
        long p = 0;
        for (int j = 0; j < c; j++) {
            long t = a[j];
            a[j] -= p;
            p = t;
        }
        // zero-length runs merge their neighbours
        int[] b = new int[c];
        int j = 0;
        int mb = 0;
        b[mb++] = (int) a[j++];
        while (j < c) {
            if (a[j] > 0) {
                b[mb++] = (int) a[j++];
            } else {
                j++;
                if (j < c) {
                    b[mb - 1] += (int) a[j++];
                }
            }
        }
        return new Rle(height, width, Arrays.copyOf(b, mb));
    }

    /** A box {x, y, w, h} as the four-corner polygon (rleFrBbox). */
    public static Rle fromBox(double[] box, int height, int width) {
        double xs = box[0];
        double xe = xs + box[2];
        double ys = box[1];
        double ye = ys + box[3];
        return fromPolygon(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, height, width);
    }
}
