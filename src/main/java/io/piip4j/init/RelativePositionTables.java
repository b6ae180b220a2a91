package io.piip4j.init;

import io.piip4j.backbone.branch.BeitAttention;
import io.piip4j.tensor.NdArray;

/**
 * BEiT's relative-position bias tables between window sizes, as the reference's
 * {@code mmcv_custom/checkpoint.py load_checkpoint} resamples them: the pretrained table holds
 * (2s−1)² relative offsets (plus 3 class-token rows, dropped), laid out on a grid whose node
 * spacing grows geometrically away from 0 (ratio q found by bisection so that the outermost node
 * reaches the new half-size), and is evaluated on the new integer offsets with a bicubic
 * interpolating spline ({@code scipy.interpolate.interp2d(kind='cubic')}: FITPACK's s=0 tensor
 * spline, i.e. not-a-knot cubic interpolation along each axis), in double precision, per head.
 */
public final class RelativePositionTables {
    static final int EXTRA_TOKENS = 3;

    private RelativePositionTables() {
    }

    /**
     * @param table  the pretrained table ((2s−1)² + 3, heads)
     * @param dstRows the branch's table rows ((2w−1)²)
     */
    public static NdArray resize(NdArray table, long dstRows) {
        long[] s = table.shape();
        int heads = (int) s[1];
        int srcSize = (int) Math.sqrt((double) (s[0] - EXTRA_TOKENS));
        int dstSize = (int) Math.sqrt((double) dstRows);
        float[] v = table.toFloats();
        int srcCells = srcSize * srcSize;
        if (srcSize == dstSize) {
            float[] out = new float[srcCells * heads];
            System.arraycopy(v, 0, out, 0, out.length);
            return NdArray.ofFloats(out, srcCells, heads);
        }
        double[] x = nodes(srcSize, dstSize);
        double t = Math.floor(dstSize / 2.0);
        int nd = (int) Math.floor((t + 0.1 - (-t)) / 1.0) + 1; // np.arange(-t, t + 0.1, 1.0)
        double[] dx = new double[nd];
        for (int i = 0; i < nd; i++) {
            dx[i] = -t + i;
        }
        Spline1D along = new Spline1D(x);
        float[] out = new float[nd * nd * heads];
        for (int h = 0; h < heads; h++) {
            // z[r][c]: row r is y, column c is x (interp2d's orientation); separable tensor spline
            double[][] rows = new double[srcSize][];
            for (int r = 0; r < srcSize; r++) {
                double[] z = new double[srcSize];
                for (int c = 0; c < srcSize; c++) {
                    z[c] = v[(r * srcSize + c) * heads + h];
                }
                rows[r] = along.interpolate(z, dx);
            }
            for (int i = 0; i < nd; i++) {
                double[] col = new double[srcSize];
                for (int r = 0; r < srcSize; r++) {
                    col[r] = rows[r][i];
                }
                double[] res = along.interpolate(col, dx);
                for (int j = 0; j < nd; j++) {
                    out[(j * nd + i) * heads + h] = (float) res[j];
                }
            }
        }
        return NdArray.ofFloats(out, (long) nd * nd, heads);
    }

    /** The geometric node positions {@code -d_k … -1, 0, 1 … d_k} of the source grid. */
    static double[] nodes(int srcSize, int dstSize) {
        int half = srcSize / 2;
        double left = 1.01;
        double right = 1.5;
        double q = 0;
        while (right - left > 1e-6) {
            q = (left + right) / 2.0;
            double gp = (1.0 - Math.pow(q, half)) / (1.0 - q);
            if (gp > dstSize / 2) {
                right = q;
            } else {
                left = q;
            }
        }
        double[] dis = new double[half];
        double cur = 1;
        for (int i = 0; i < half; i++) {
            dis[i] = cur;
            cur += Math.pow(q, i + 1);
        }
        double[] x = new double[2 * half + 1];
        for (int i = 0; i < half; i++) {
            x[i] = -dis[half - 1 - i];
            x[half + 1 + i] = dis[i];
        }
        return x;
    }

    /** The module's own {@code relative_position_index} buffer for a w×w window (int64, w²×w²). */
    public static NdArray relativePositionIndex(int w) {
        return BeitAttention.relativePositionIndex(w);
    }

    /**
     * Cubic interpolating spline with FITPACK's knots for s = 0 (interior knots at the data points
     * but the second and second-to-last: the not-a-knot spline), as B-spline coefficients solved
     * from the collocation system.
     */
    static final class Spline1D {
        private final double[] x;
        private final double[] knots;
        private final double[][] lu;
        private final int[] pivot;

        Spline1D(double[] x) {
            int n = x.length;
            if (n < 4) {
                throw new IllegalArgumentException("cubic spline needs 4 nodes, got " + n);
            }
            this.x = x.clone();
            knots = new double[n + 4];
            for (int i = 0; i < 4; i++) {
                knots[i] = x[0];
                knots[n + i] = x[n - 1];
            }
            for (int i = 2; i < n - 2; i++) {
                knots[i + 2] = x[i];
            }
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                double[] basis = basis(x[i]);
                int span = span(x[i]);
                for (int k = 0; k < 4; k++) {
                    a[i][span - 3 + k] = basis[k];
                }
            }
            pivot = new int[n];
            lu = decompose(a, pivot);
        }

        double[] interpolate(double[] y, double[] at) {
            double[] c = solve(lu, pivot, y);
            double[] out = new double[at.length];
            for (int i = 0; i < at.length; i++) {
                int span = span(at[i]);
                double[] b = basis(at[i]);
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += c[span - 3 + k] * b[k];
                }
                out[i] = s;
            }
            return out;
        }

        /** The knot interval [t_span, t_span+1) holding u (the last one for the right end). */
        private int span(double u) {
            int n = x.length;
            if (u >= knots[n]) {
                return n - 1;
            }
            int s = 3;
            while (s < n - 1 && u >= knots[s + 1]) {
                s++;
            }
            return s;
        }

        /** The four non-zero cubic B-splines at u (Cox–de Boor). */
        private double[] basis(double u) {
            int s = span(u);
            double[] left = new double[4];
            double[] right = new double[4];
            double[] b = new double[4];
            b[0] = 1;
            for (int j = 1; j <= 3; j++) {
                left[j] = u - knots[s + 1 - j];
                right[j] = knots[s + j] - u;
                double saved = 0;
                for (int r = 0; r < j; r++) {
                    double tmp = b[r] / (right[r + 1] + left[j - r]);
                    b[r] = saved + right[r + 1] * tmp;
                    saved = left[j - r] * tmp;
                }
                b[j] = saved;
            }
            return b;
        }

        private static double[][] decompose(double[][] a, int[] p) {
            int n = a.length;
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            for (int k = 0; k < n; k++) {
                int m = k;
                for (int i = k + 1; i < n; i++) {
                    if (Math.abs(a[i][k]) > Math.abs(a[m][k])) {
                        m = i;
                    }
                }
                double[] tr = a[k];
                a[k] = a[m];
                a[m] = tr;
                int tp = p[k];
                p[k] = p[m];
                p[m] = tp;
                for (int i = k + 1; i < n; i++) {
                    a[i][k] /= a[k][k];
                    for (int j = k + 1; j < n; j++) {
                        a[i][j] -= a[i][k] * a[k][j];
                    }
                }
            }
            return a;
        }

        private static double[] solve(double[][] lu, int[] p, double[] b) {
            int n = lu.length;
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double s = b[p[i]];
                for (int j = 0; j < i; j++) {
                    s -= lu[i][j] * y[j];
                }
                y[i] = s;
            }
            for (int i = n - 1; i >= 0; i--) {
                double s = y[i];
                for (int j = i + 1; j < n; j++) {
                    s -= lu[i][j] * y[j];
                }
                y[i] = s / lu[i][i];
            }
            return y;
        }
    }
}
