package io.piip4j.target;

/**
 * Intersection over union of two sets of boxes ({@code x1 y1 x2 y2}), as mmdetection 2.x's
 * {@code bbox_overlaps}: areas are {@code (x2 - x1)(y2 - y1)} with no "+1", and the union is at
 * least 1e-6 so degenerate boxes give 0, not NaN.
 */
public final class BoxIou {
    private static final float EPS = 1e-6f;

    private BoxIou() {
    }

    /**
     * @param a  na × 4 boxes (only the first 4 of every {@code strideA} values are read)
     * @param b  nb × 4 boxes
     * @return na × nb, row-major
     */
    public static float[] matrix(float[] a, int na, int strideA, float[] b, int nb, int strideB) {
        float[] out = new float[na * nb];
        float[] areaB = new float[nb];
        for (int j = 0; j < nb; j++) {
            int q = j * strideB;
            areaB[j] = (b[q + 2] - b[q]) * (b[q + 3] - b[q + 1]);
        }
        for (int i = 0; i < na; i++) {
            int p = i * strideA;
            float ax1 = a[p];
            float ay1 = a[p + 1];
            float ax2 = a[p + 2];
            float ay2 = a[p + 3];
            float areaA = (ax2 - ax1) * (ay2 - ay1);
            for (int j = 0; j < nb; j++) {
                int q = j * strideB;
                float w = Math.max(Math.min(ax2, b[q + 2]) - Math.max(ax1, b[q]), 0f);
                float h = Math.max(Math.min(ay2, b[q + 3]) - Math.max(ay1, b[q + 1]), 0f);
                float overlap = w * h;
                float union = Math.max(areaA + areaB[j] - overlap, EPS);
                out[i * nb + j] = overlap / union;
            }
        }
        return out;
    }
}
