package io.piip4j.ops;

/**
 * mmdetection 2.25's {@code DeltaXYWHBBoxCoder.decode} ({@code delta2bbox}): deltas are
 * de-normalised ({@code d · std + mean}), the centre moves by {@code (dx·w, dy·h)}, the size scales
 * by {@code exp(dw), exp(dh)} with dw, dh clamped to {@code ±|log(whRatioClip)|}, and the box is
 * clipped to the image. Float32 in the reference's order of operations. {@link #encode} is the
 * inverse used for training targets ({@code bbox2delta}).
 */
public final class DeltaXywhBoxCoder {
    public static final double DEFAULT_WH_RATIO_CLIP = 16.0 / 1000;

    private final float[] means;
    private final float[] stds;
    private final float maxRatio;

    public DeltaXywhBoxCoder(float[] means, float[] stds) {
        this(means, stds, DEFAULT_WH_RATIO_CLIP);
    }

    public DeltaXywhBoxCoder(float[] means, float[] stds, double whRatioClip) {
        if (means.length != 4 || stds.length != 4) {
            throw new IllegalArgumentException("box coder needs 4 means and 4 stds");
        }
        this.means = means.clone();
        this.stds = stds.clone();
        this.maxRatio = (float) Math.abs(Math.log(whRatioClip));
    }

    /**
     * @param boxes  n × 4 reference boxes (anchors or RoIs)
     * @param deltas n × (4·k): k boxes per reference (class-specific regression)
     * @param maxH   image height to clip to, or ≤ 0 for no clipping
     * @param maxW   image width to clip to
     * @return n × (4·k) boxes
     */
    public float[] decode(float[] boxes, float[] deltas, int n, int maxH, int maxW) {
        if (boxes.length != 4 * n || deltas.length % (4 * Math.max(n, 1)) != 0) {
            throw new IllegalArgumentException("decode: " + boxes.length + " box values, " + deltas.length + " deltas for " + n + " boxes");
        }
        int k = n == 0 ? 0 : deltas.length / (4 * n);
        float[] out = new float[deltas.length];
        for (int i = 0; i < n; i++) {
            float x1 = boxes[4 * i];
            float y1 = boxes[4 * i + 1];
            float x2 = boxes[4 * i + 2];
            float y2 = boxes[4 * i + 3];
            float px = (x1 + x2) * 0.5f;
            float py = (y1 + y2) * 0.5f;
            float pw = x2 - x1;
            float ph = y2 - y1;
            for (int c = 0; c < k; c++) {
                int at = 4 * (i * k + c);
                float dx = deltas[at] * stds[0] + means[0];
                float dy = deltas[at + 1] * stds[1] + means[1];
                float dw = deltas[at + 2] * stds[2] + means[2];
                float dh = deltas[at + 3] * stds[3] + means[3];
                dw = Math.min(Math.max(dw, -maxRatio), maxRatio);
                dh = Math.min(Math.max(dh, -maxRatio), maxRatio);
                float gx = px + pw * dx;
                float gy = py + ph * dy;
                float gw = pw * (float) Math.exp(dw);
                float gh = ph * (float) Math.exp(dh);
                float bx1 = gx - gw * 0.5f;
                float by1 = gy - gh * 0.5f;
                float bx2 = gx + gw * 0.5f;
                float by2 = gy + gh * 0.5f;
                if (maxH > 0) {
                    bx1 = clip(bx1, maxW);
                    bx2 = clip(bx2, maxW);
                    by1 = clip(by1, maxH);
                    by2 = clip(by2, maxH);
                }
                out[at] = bx1;
                out[at + 1] = by1;
                out[at + 2] = bx2;
                out[at + 3] = by2;
            }
        }
        return out;
    }

    /**
     * The deltas that move each box onto its target, normalised ({@code (d - mean) / std}):
     * {@code dx = (gx - px) / pw}, {@code dy = (gy - py) / ph}, {@code dw = log(gw / pw)}, {@code dh = log(gh / ph)}.
     *
     * @param boxes   n × 4 reference boxes (anchors or RoIs)
     * @param targets n × 4 ground-truth boxes, one per reference box
     */
    public float[] encode(float[] boxes, float[] targets, int n) {
        if (boxes.length != 4 * n || targets.length != 4 * n) {
            throw new IllegalArgumentException("encode: " + boxes.length + " box values, " + targets.length + " target values for " + n + " boxes");
        }
        float[] out = new float[4 * n];
        for (int i = 0; i < n; i++) {
            int at = 4 * i;
            float px = (boxes[at] + boxes[at + 2]) * 0.5f;
            float py = (boxes[at + 1] + boxes[at + 3]) * 0.5f;
            float pw = boxes[at + 2] - boxes[at];
            float ph = boxes[at + 3] - boxes[at + 1];
            float gx = (targets[at] + targets[at + 2]) * 0.5f;
            float gy = (targets[at + 1] + targets[at + 3]) * 0.5f;
            float gw = targets[at + 2] - targets[at];
            float gh = targets[at + 3] - targets[at + 1];
            out[at] = ((gx - px) / pw - means[0]) / stds[0];
            out[at + 1] = ((gy - py) / ph - means[1]) / stds[1];
            out[at + 2] = ((float) Math.log(gw / pw) - means[2]) / stds[2];
            out[at + 3] = ((float) Math.log(gh / ph) - means[3]) / stds[3];
        }
        return out;
    }

    private static float clip(float v, int max) {
        return Math.min(Math.max(v, 0f), (float) max);
    }
}
