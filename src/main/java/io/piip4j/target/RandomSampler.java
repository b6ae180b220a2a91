package io.piip4j.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * mmdetection 2.x's {@code RandomSampler}: up to {@code num · posFraction} positives drawn at
 * random from the assigned ones, negatives filling the rest of {@code num} (at most
 * {@code negPosUb} times the positives where that is set), optionally with the ground truths added
 * as candidates first. The draws use the caller's generator (the reference's use torch's; the
 * statistics, not the exact draws, are the behaviour).
 */
public record RandomSampler(int num, float posFraction, int negPosUb, boolean addGtAsProposals) {

    /** The RPN's released settings: 256 anchors, half positive at most. */
    public static RandomSampler rpn() {
        return new RandomSampler(256, 0.5f, -1, false);
    }

    /** The R-CNN stage's released settings: 512 proposals, a quarter positive at most, ground truths added. */
    public static RandomSampler rcnn() {
        return new RandomSampler(512, 0.25f, -1, true);
    }

    /**
     * @param assign  the assignment of {@code boxes} (n × {@code stride} values, the first 4 the box)
     * @param gts     ng × 4 ground-truth boxes
     */
    public SamplingResult sample(AssignResult assign, float[] boxes, int stride, float[] gts, int[] gtLabels, Random rnd) {
        int n = assign.size();
        float[] cands = new float[4 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(boxes, i * stride, cands, 4 * i, 4);
        }
        if (addGtAsProposals && gtLabels.length > 0) {
            assign = assign.withGtPrepended(gtLabels);
            float[] withGt = new float[gts.length + cands.length];
            System.arraycopy(gts, 0, withGt, 0, gts.length);
            System.arraycopy(cands, 0, withGt, gts.length, cands.length);
            cands = withGt;
        }
        List<Integer> pos = new ArrayList<>();
        List<Integer> neg = new ArrayList<>();
        for (int i = 0; i < assign.size(); i++) {
            if (assign.gtInds()[i] > 0) {
                pos.add(i);
            } else if (assign.gtInds()[i] == 0) {
                neg.add(i);
            }
        }
        int[] posInds = choose(pos, (int) (num * posFraction), rnd);
        int negWanted = num - posInds.length;
        if (negPosUb >= 0) {
            negWanted = Math.min(negWanted, Math.max(1, posInds.length) * negPosUb);
        }
        int[] negInds = choose(neg, negWanted, rnd);
        int[] posGt = new int[posInds.length];
        int[] posLabels = new int[posInds.length];
        for (int i = 0; i < posInds.length; i++) {
            posGt[i] = assign.gtInds()[posInds[i]] - 1;
            posLabels[i] = assign.labels()[posInds[i]];
        }
        return new SamplingResult(cands, posInds, negInds, posGt, posLabels);
    }

    /** All of {@code from} in order where it fits, otherwise {@code k} of them drawn without replacement. */
    private static int[] choose(List<Integer> from, int k, Random rnd) {
        if (from.size() <= k) {
            return from.stream().mapToInt(Integer::intValue).toArray();
        }
        int[] a = from.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < k; i++) { // partial Fisher-Yates
            int j = i + rnd.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return java.util.Arrays.copyOf(a, k);
    }
}
