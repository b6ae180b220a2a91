package io.piip4j.eval.coco;

/**
 * Highest score first, equal scores in their original order: pycocotools'
 * {@code np.argsort(-scores, kind='mergesort')}, a stable sort (NaN scores last). Which of two
 * tied detections comes first decides matches and precision, so stability is part of the metric.
 */
final class ScoreOrder {
    private ScoreOrder() {
    }

    static int[] descending(double[] scores, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (n < 2) {
            return idx;
        }
        int[] tmp = new int[n];
        mergeSort(scores, idx, tmp, 0, n);
        return idx;
    }

    /** True when a must come after b. */
    private static boolean after(double a, double b) {
        if (Double.isNaN(a)) {
            return !Double.isNaN(b);
        }
        return a < b;
    }

    private static void mergeSort(double[] s, int[] idx, int[] tmp, int from, int to) {
        int n = to - from;
        if (n <= 16) {
            for (int i = from + 1; i < to; i++) {
                int v = idx[i];
                int j = i - 1;
                while (j >= from && after(s[idx[j]], s[v])) {
                    idx[j + 1] = idx[j];
                    j--;
                }
                idx[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(s, idx, tmp, from, mid);
        mergeSort(s, idx, tmp, mid, to);
        if (!after(s[idx[mid - 1]], s[idx[mid]])) {
            return;
        }
        System.arraycopy(idx, from, tmp, from, n);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            // take from the right only when strictly before: ties keep the left (earlier) first
            idx[k++] = after(s[tmp[i]], s[tmp[j]]) ? tmp[j++] : tmp[i++];
        }
        while (i < mid) {
            idx[k++] = tmp[i++];
        }
        while (j < to) {
            idx[k++] = tmp[j++];
        }
    }
}
