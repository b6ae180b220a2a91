package io.piip4j.target;

/**
 * Which ground truth each candidate box (anchor or proposal) is assigned to, as mmdetection's
 * {@code AssignResult}.
 *
 * @param numGts      the number of ground-truth boxes
 * @param gtInds      per candidate: 0 negative (background), {@code k > 0} positive for ground truth
 *                    {@code k - 1}, -1 ignored (neither)
 * @param maxOverlaps per candidate: its best IoU with any ground truth
 * @param labels      per candidate: the assigned ground truth's label, -1 where not positive
 */
public record AssignResult(int numGts, int[] gtInds, float[] maxOverlaps, int[] labels) {

    public int size() {
        return gtInds.length;
    }

    /**
     * The same assignment with the ground truths themselves prepended as candidates, each assigned
     * to itself with IoU 1 ({@code add_gt_}: the RoI head's sampler adds them to the proposals).
     */
    public AssignResult withGtPrepended(int[] gtLabels) {
        int n = gtLabels.length;
        int[] inds = new int[n + size()];
        float[] overlaps = new float[n + size()];
        int[] lab = new int[n + size()];
        for (int k = 0; k < n; k++) {
            inds[k] = k + 1;
            overlaps[k] = 1f;
            lab[k] = gtLabels[k];
        }
        System.arraycopy(gtInds, 0, inds, n, size());
        System.arraycopy(maxOverlaps, 0, overlaps, n, size());
        System.arraycopy(labels, 0, lab, n, size());
        return new AssignResult(numGts, inds, overlaps, lab);
    }
}
