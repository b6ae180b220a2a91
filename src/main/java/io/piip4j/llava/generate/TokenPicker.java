package io.piip4j.llava.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses the next token from a step's logits: the first maximum when greedy (as
 * {@code argmax}), otherwise a draw from {@code softmax(logits / T)} restricted, as Hugging Face's
 * top-p warper does, to the most probable tokens whose cumulative probability reaches p (the most
 * probable always kept).
 */
public final class TokenPicker {
    private final GenerationConfig cfg;
    private final SplittableRandom random;

    public TokenPicker(GenerationConfig cfg) {
        this.cfg = cfg;
        this.random = new SplittableRandom(cfg.seed());
    }

    public int pick(float[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("no logits");
        }
        return cfg.temperature() == 0 ? argmax(logits) : sample(logits);
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best] || (Float.isNaN(logits[i]) && !Float.isNaN(logits[best]))) {
                best = i;
            }
        }
        return best;
    }

    private int sample(float[] logits) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / cfg.temperature());
            sum += p[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            p[i] /= sum;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double kept = 0;
        int cut = 0;
        while (cut < n && (cut == 0 || kept < cfg.topP())) {
            kept += p[order[cut++]];
        }
        double u = random.nextDouble() * kept;
        double acc = 0;
        for (int i = 0; i < cut; i++) {
            acc += p[order[i]];
            if (u < acc) {
                return order[i];
            }
        }
        return order[cut - 1];
    }
}
