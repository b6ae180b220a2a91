package io.piip4j.ops;

/**
 * mmcv 1.7's RoIAlign (CPU kernel), average pooling: a region {@code x1 y1 x2 y2} in image
 * coordinates is scaled by {@code spatialScale} (shifted by half a pixel when {@code aligned}), split
 * into {@code outH × outW} bins, and each bin is the mean of {@code gh × gw} bilinear samples, where
 * {@code gh = ceil(roi_h / outH)} unless a positive {@code samplingRatio} fixes it. Samples more than
 * one pixel outside the map count as zero; float32 throughout, in the kernel's order of operations.
 */
public final class RoiAlign {
    private RoiAlign() {
    }

    /**
     * Pools one region from one image's feature map.
     *
     * @param feature  the maps, channel-major ({@code C × H × W}) starting at {@code base}
     * @param out      receives {@code C × outH × outW} values starting at {@code outBase}
     */
    public static void pool(float[] feature, int base, int channels, int height, int width, float x1, float y1,
            float x2, float y2, float spatialScale, int outH, int outW, int samplingRatio, boolean aligned, float[] out,
            int outBase) {
        Samples sm = samples(height, width, x1, y1, x2, y2, spatialScale, outH, outW, samplingRatio, aligned);
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int in = base + c * plane;
            int o = outBase + c * outH * outW;
            int s = 0;
            for (int bin = 0; bin < outH * outW; bin++) {
                float sum = 0f;
                for (int k = 0; k < sm.perBin; k++, s++) {
                    int q = 4 * s;
                    float v = sm.weight[q] * feature[in + sm.pos[q]] + sm.weight[q + 1] * feature[in + sm.pos[q + 1]]
                            + sm.weight[q + 2] * feature[in + sm.pos[q + 2]] + sm.weight[q + 3] * feature[in + sm.pos[q + 3]];
                    sum += v;
                }
                out[o + bin] = sum / sm.count;
            }
        }
    }

    /**
     * As {@link #pool}, from channels-last maps ({@code H × W × C} starting at {@code base}); the
     * output is channel-major as there. Each channel's value is computed with the same float32
     * operations in the same order, so the results are identical, but the loop over channels is
     * innermost, over contiguous memory, where the JIT vectorises it.
     */
    public static void poolChannelsLast(float[] feature, int base, int channels, int height, int width, float x1, float y1,
            float x2, float y2, float spatialScale, int outH, int outW, int samplingRatio, boolean aligned, float[] out,
            int outBase) {
        Samples sm = samples(height, width, x1, y1, x2, y2, spatialScale, outH, outW, samplingRatio, aligned);
        int bins = outH * outW;
        float[] acc = new float[channels];
        int s = 0;
        for (int bin = 0; bin < bins; bin++) {
            java.util.Arrays.fill(acc, 0f);
            for (int k = 0; k < sm.perBin; k++, s++) {
                int q = 4 * s;
                float w0 = sm.weight[q];
                float w1 = sm.weight[q + 1];
                float w2 = sm.weight[q + 2];
                float w3 = sm.weight[q + 3];
                int p0 = base + sm.pos[q] * channels;
                int p1 = base + sm.pos[q + 1] * channels;
                int p2 = base + sm.pos[q + 2] * channels;
                int p3 = base + sm.pos[q + 3] * channels;
                for (int c = 0; c < channels; c++) {
                    acc[c] += w0 * feature[p0 + c] + w1 * feature[p1 + c] + w2 * feature[p2 + c] + w3 * feature[p3 + c];
                }
            }
            for (int c = 0; c < channels; c++) {
                out[outBase + c * bins + bin] = acc[c] / sm.count;
            }
        }
    }

    /**
     * The bilinear corners (positions in a plane) and weights of every sample, bin by bin, shared
     * by all channels: bin {@code b}'s value is the sum over its {@code perBin} samples of their four
     * {@code weight · value} terms, divided by {@code count}.
     */
    public record Samples(int[] pos, float[] weight, int perBin, float count) {
    }

    /** The samples of one region (see the class comment), for pooling written with other means (autograd). */
    public static Samples samples(int height, int width, float x1, float y1, float x2, float y2, float spatialScale,
            int outH, int outW, int samplingRatio, boolean aligned) {
        float offset = aligned ? 0.5f : 0f;
        float startW = x1 * spatialScale - offset;
        float startH = y1 * spatialScale - offset;
        float endW = x2 * spatialScale - offset;
        float endH = y2 * spatialScale - offset;
        float roiW = endW - startW;
        float roiH = endH - startH;
        if (aligned) {
            if (!(roiW >= 0 && roiH >= 0)) {
                throw new IllegalArgumentException("RoI has a negative size: " + x1 + " " + y1 + " " + x2 + " " + y2);
            }
        } else {
            roiW = Math.max(roiW, 1f);
            roiH = Math.max(roiH, 1f);
        }
        float binH = roiH / outH;
        float binW = roiW / outW;
        int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / outH);
        int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / outW);
        float count = Math.max(gridH * gridW, 1);
        int samples = outH * outW * gridH * gridW;
        int[] pos = new int[4 * samples];
        float[] weight = new float[4 * samples];
        int s = 0;
        for (int ph = 0; ph < outH; ph++) {
            for (int pw = 0; pw < outW; pw++) {
                for (int iy = 0; iy < gridH; iy++) {
                    float yy = startH + ph * binH + (iy + .5f) * binH / gridH;
                    for (int ix = 0; ix < gridW; ix++, s++) {
                        float xx = startW + pw * binW + (ix + .5f) * binW / gridW;
                        bilinear(height, width, yy, xx, pos, weight, 4 * s);
                    }
                }
            }
        }
        return new Samples(pos, weight, gridH * gridW, count);
    }

    private static void bilinear(int height, int width, float y, float x, int[] pos, float[] w, int at) {
        if (y < -1.0f || y > height || x < -1.0f || x > width) {
            return; // weights stay zero, positions 0
        }
        if (y <= 0) {
            y = 0;
        }
        if (x <= 0) {
            x = 0;
        }
        int yLow = (int) y;
        int xLow = (int) x;
        int yHigh;
        int xHigh;
        if (yLow >= height - 1) {
            yHigh = yLow = height - 1;
            y = yLow;
        } else {
            yHigh = yLow + 1;
        }
        if (xLow >= width - 1) {
            xHigh = xLow = width - 1;
            x = xLow;
        } else {
            xHigh = xLow + 1;
        }
        float ly = y - yLow;
        float lx = x - xLow;
        float hy = 1f - ly;
        float hx = 1f - lx;
        w[at] = hy * hx;
        w[at + 1] = hy * lx;
        w[at + 2] = ly * hx;
        w[at + 3] = ly * lx;
        pos[at] = yLow * width + xLow;
        pos[at + 1] = yLow * width + xHigh;
        pos[at + 2] = yHigh * width + xLow;
        pos[at + 3] = yHigh * width + xHigh;
    }
}
