package io.piip4j.ops;

/**
 * mmdetection 2.25's {@code AnchorGenerator}: per level, base anchors of size
 * {@code stride · scale} for every (ratio, scale) pair, ratio-major, centred at
 * {@code centerOffset · stride}, then shifted to every cell of the feature map in row-major order
 * (rows, columns, anchors). Float32 as the reference computes it.
 */
public final class AnchorGenerator {
    private final int[] strides;
    private final float[] ratios;
    private final float[] scales;
    private final float centerOffset;

    /**
     * @param scales anchor scales; or null to use {@code octaveBaseScale · 2^(i / scalesPerOctave)}
     */
    public AnchorGenerator(int[] strides, float[] ratios, float[] scales, Double octaveBaseScale, int scalesPerOctave,
            double centerOffset) {
        if (strides.length == 0 || ratios.length == 0) {
            throw new IllegalArgumentException("anchor generator needs strides and ratios");
        }
        this.strides = strides.clone();
        this.ratios = ratios.clone();
        if (scales != null) {
            this.scales = scales.clone();
        } else {
            if (octaveBaseScale == null || scalesPerOctave < 1) {
                throw new IllegalArgumentException("anchor generator needs scales or octave_base_scale and scales_per_octave");
            }
            this.scales = new float[scalesPerOctave];
            for (int i = 0; i < scalesPerOctave; i++) {
                this.scales[i] = (float) (Math.pow(2, (double) i / scalesPerOctave) * octaveBaseScale);
            }
        }
        this.centerOffset = (float) centerOffset;
    }

    public int numLevels() {
        return strides.length;
    }

    public int stride(int level) {
        return strides[level];
    }

    /** Anchors per feature-map cell. */
    public int numBaseAnchors() {
        return ratios.length * scales.length;
    }

    /** The level's anchors at the origin cell: {@code numBaseAnchors × 4}. */
    public float[] baseAnchors(int level) {
        int size = strides[level];
        float center = (float) ((double) centerOffset * size);
        float[] out = new float[4 * numBaseAnchors()];
        int k = 0;
        for (float ratio : ratios) {
            float hRatio = (float) Math.sqrt(ratio);
            float wRatio = 1f / hRatio;
            for (float scale : scales) {
                float w = (float) size * wRatio * scale;
                float h = (float) size * hRatio * scale;
                out[k++] = center - 0.5f * w;
                out[k++] = center - 0.5f * h;
                out[k++] = center + 0.5f * w;
                out[k++] = center + 0.5f * h;
            }
        }
        return out;
    }

    /** Every anchor of a {@code height × width} map of the level: {@code height · width · A × 4}, row-major. */
    public float[] gridAnchors(int level, int height, int width) {
        float[] base = baseAnchors(level);
        int a = numBaseAnchors();
        int stride = strides[level];
        float[] out = new float[height * width * a * 4];
        int k = 0;
        for (int y = 0; y < height; y++) {
            float sy = (float) y * stride;
            for (int x = 0; x < width; x++) {
                float sx = (float) x * stride;
                for (int i = 0; i < a; i++) {
                    out[k++] = base[4 * i] + sx;
                    out[k++] = base[4 * i + 1] + sy;
                    out[k++] = base[4 * i + 2] + sx;
                    out[k++] = base[4 * i + 3] + sy;
                }
            }
        }
        return out;
    }
}
