package io.piip4j.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Softmax + top-k selection over classification logits. */
public final class TopK {

    private TopK() {
    }

    /**
     * Numerically stable softmax in double precision (the maximum is subtracted before
     * {@code exp}). An empty input gives an empty result.
     */
    public static double[] softmax(float[] logits) {
        double[] p = new double[logits.length];
        if (logits.length == 0) {
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (v > max) {
                max = v;
            }
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * The {@code k} most probable classes (softmax over {@code logits}), most probable first;
     * ties go to the lower index. {@code k} larger than the number of classes is clamped.
     *
     * @param names class names by index; {@code null}, or an index beyond its size, gives
     *     {@code "class_<i>"}
     * @throws IllegalArgumentException if {@code k < 0}
     */
    public static List<Classification> topK(float[] logits, int k, List<String> names) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0: " + k);
        }
        int n = logits.length;
        int kk = Math.min(k, n);
        if (kk == 0) {
            return List.of();
        }
        double[] p = softmax(logits);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Descending probability, then ascending index; NaN (degenerate logits) sorts last.
        Arrays.sort(order, (a, b) -> {
            double pa = p[a];
            double pb = p[b];
            boolean na = Double.isNaN(pa);
            boolean nb = Double.isNaN(pb);
            if (na != nb) {
                return na ? 1 : -1;
            }
            int c = na ? 0 : Double.compare(pb, pa);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Classification> out = new ArrayList<>(kk);
        for (int r = 0; r < kk; r++) {
            int i = order[r];
            String label = names != null && i < names.size() ? names.get(i) : "class_" + i;
            out.add(new Classification(i, label, p[i]));
        }
        return Collections.unmodifiableList(out);
    }
}
