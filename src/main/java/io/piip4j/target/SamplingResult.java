package io.piip4j.target;

/**
 * The candidates a sampler kept for the loss, as mmdetection's {@code SamplingResult}.
 *
 * @param boxes     the candidates sampled from ({@code n × 4}; the ground truths first where the
 *                  sampler added them)
 * @param posInds   positive candidates (indexes into {@code boxes})
 * @param negInds   negative candidates
 * @param posGtInds per positive: the index of its ground truth
 * @param posLabels per positive: its ground truth's label
 */
public record SamplingResult(float[] boxes, int[] posInds, int[] negInds, int[] posGtInds, int[] posLabels) {

    public int numPos() {
        return posInds.length;
    }

    public int numNeg() {
        return negInds.length;
    }

    /** The positives' boxes, {@code numPos × 4}. */
    public float[] posBoxes() {
        return gather(posInds);
    }

    /** The negatives' boxes, {@code numNeg × 4}. */
    public float[] negBoxes() {
        return gather(negInds);
    }

    private float[] gather(int[] inds) {
        float[] out = new float[4 * inds.length];
        for (int i = 0; i < inds.length; i++) {
            System.arraycopy(boxes, 4 * inds[i], out, 4 * i, 4);
        }
        return out;
    }
}
