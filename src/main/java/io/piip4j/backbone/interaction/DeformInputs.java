package io.piip4j.backbone.interaction;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * Where one branch's queries look into its neighbour's features: the normalised reference point
 * of every query token (the centre of its patch) and the feature grid's shape. Computed from the
 * images' sizes as the reference's {@code deform_inputs_1/2} do (patch size 16).
 *
 * @param reference (1, Lq, 1, 2) (x, y) in [0, 1]
 */
public record DeformInputs(Tensor reference, long featH, long featW) {
    public static final int PATCH = 16;

    /** Queries from the smaller image {@code (h, w)}, keys from the image {@code 1/scale} times larger. */
    public static DeformInputs fromSmaller(long h, long w, double scale) {
        long hk = (long) (h / scale);
        long wk = (long) (w / scale);
        return new DeformInputs(referencePoints(ceilDiv(h), ceilDiv(w)), ceilDiv(hk), ceilDiv(wk));
    }

    /** Queries from the larger image {@code (h, w)}, keys from the image {@code scale} times smaller. */
    public static DeformInputs fromLarger(long h, long w, double scale) {
        long hk = (long) (h * scale);
        long wk = (long) (w * scale);
        return new DeformInputs(referencePoints(ceilDiv(h), ceilDiv(w)), ceilDiv(hk), ceilDiv(wk));
    }

    /**
     * The dense backbones' geometry: queries on the {@code (qh, qw)} image's grid at stride
     * {@code qRatio}, keys on the {@code (kh, kw)} image's grid at stride {@code kRatio} (floor
     * division, as the reference's {@code //}).
     */
    public static DeformInputs between(long qh, long qw, long qRatio, long kh, long kw, long kRatio) {
        return new DeformInputs(referencePoints(qh / qRatio, qw / qRatio), kh / kRatio, kw / kRatio);
    }

    private static long ceilDiv(long v) {
        return (v + PATCH - 1) / PATCH;
    }

    /** Patch centres {@code ((j + 0.5) / W, (i + 0.5) / H)} row-major, in float32 as torch.linspace gives them. */
    static Tensor referencePoints(long h, long w) {
        float[] ys = linspace(0.5f, h - 0.5f, (int) h);
        float[] xs = linspace(0.5f, w - 0.5f, (int) w);
        float[] out = new float[(int) (h * w * 2)];
        int k = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                out[k++] = xs[j] / w;
                out[k++] = ys[i] / h;
            }
        }
        return Tensors.fromFloats(out, 1, h * w, 1, 2);
    }

    /** torch.linspace's float32 kernel: the first half steps up from start, the second half down from end. */
    static float[] linspace(float start, float end, int steps) {
        float[] v = new float[steps];
        if (steps == 1) {
            v[0] = start;
            return v;
        }
        float step = (end - start) / (steps - 1);
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            v[i] = i < half ? start + step * i : end - step * (steps - i - 1);
        }
        return v;
    }
}
