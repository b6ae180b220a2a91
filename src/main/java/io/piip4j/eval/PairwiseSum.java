package io.piip4j.eval;

/**
 * numpy's summation order for a contiguous array ({@code np.sum}, {@code np.mean},
 * {@code np.nanmean}): blocks of at most 128 elements summed with eight running partial sums,
 * larger arrays split in halves (at multiples of eight). Reproducing the order, not only the
 * maths, keeps the metrics bit-equal to the reference rather than equal within rounding.
 */
public final class PairwiseSum {
    private static final int BLOCK = 128;

    private PairwiseSum() {
    }

    /** The float64 sum of {@code a[from, from + n)} in numpy's order. */
    public static double sum(double[] a, int from, int n) {
        if (n < 8) {
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        int half = n / 2;
        half -= half % 8;
        return sum(a, from, half) + sum(a, from + half, n - half);
    }

    /** The float32 sum of {@code a[from, from + n)} in numpy's order (float32 accumulators). */
    public static float sum(float[] a, int from, int n) {
        if (n < 8) {
            float s = 0.0f;
            for (int i = 0; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        if (n <= BLOCK) {
            float[] r = new float[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        int half = n / 2;
        half -= half % 8;
        return sum(a, from, half) + sum(a, from + half, n - half);
    }

    /** {@code np.mean}: the pairwise sum divided by the count; NaN for an empty array. */
    public static double mean(double[] a, int n) {
        return sum(a, 0, n) / n;
    }

    /** {@code np.nanmean} of a float64 array: NaNs count as 0 in the sum and not in the count. */
    public static double nanMean(double[] a) {
        double[] zeroed = new double[a.length];
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isNaN(a[i])) {
                zeroed[i] = a[i];
                count++;
            }
        }
        return sum(zeroed, 0, zeroed.length) / count;
    }

    /** {@code np.nanmean} of a float32 array: a float32 sum, divided in float64, rounded to float32. */
    public static float nanMean(float[] a) {
        float[] zeroed = new float[a.length];
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Float.isNaN(a[i])) {
                zeroed[i] = a[i];
                count++;
            }
        }
        return (float) (sum(zeroed, 0, zeroed.length) / (double) count);
    }
}
