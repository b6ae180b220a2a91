package io.piip4j.image;

import java.util.Objects;

/**
 * Resampling of 8-bit RGB images that reproduces Pillow's {@code Image.resize} (Pillow &gt;= 7,
 * {@code ImagingResample} in {@code libImaging/Resample.c}) bit for bit.
 *
 * <p>The algorithm is a separable convolution: for every output column (then row) a window of
 * input samples is weighted by the filter evaluated at the sample centres, scaled by the
 * down-scaling factor so that shrinking an image also low-pass filters it (antialiasing).
 * The weights of each window are normalised to sum to 1, then converted to fixed point with
 * {@link #PRECISION_BITS} fractional bits. The horizontal pass runs first (only over the rows
 * the vertical pass needs), its result is rounded and clipped to 0..255, then the vertical pass
 * runs on that intermediate image, again with rounding and clipping. A dimension whose size
 * does not change is not resampled at all, so resizing to the same size is the identity.
 *
 * <p>Pixels are packed {@code 0xRRGGBB} ints in row-major order; bits above 23 are ignored on
 * input and zero on output.
 */
public final class PilResize {

    /** Fractional bits of the fixed-point coefficients: 32 - 8 (result) - 2 (overshoot). */
    public static final int PRECISION_BITS = 32 - 8 - 2;

    private static final int HALF = 1 << (PRECISION_BITS - 1);

    /** Resampling filters with Pillow's kernels and supports. */
    public enum Filter {
        /** Pillow {@code Image.BOX}: 1 on (-0.5, 0.5], support 0.5. */
        BOX(0.5) {
            @Override
            double weight(double x) {
                return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
            }
        },
        /** Pillow {@code Image.BILINEAR}: triangle 1-|x|, support 1. */
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                if (x < 0.0) {
                    x = -x;
                }
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        },
        /** Pillow {@code Image.BICUBIC}: Keys cubic convolution with a = -0.5, support 2. */
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                if (x < 0.0) {
                    x = -x;
                }
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        };

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        /** Half-width of the kernel at scale 1. */
        public double support() {
            return support;
        }

        abstract double weight(double x);
    }

    private PilResize() {
    }

    /** Bicubic resize, as Pillow's {@code img.resize((outW, outH), Image.BICUBIC)}. */
    public static int[] resizeRgb(int[] rgb, int w, int h, int outW, int outH) {
        return resizeRgb(rgb, w, h, outW, outH, Filter.BICUBIC);
    }

    /**
     * Resizes a packed {@code 0xRRGGBB} image as Pillow's {@code img.resize((outW, outH), filter)}
     * does for an RGB image.
     *
     * @param rgb row-major pixels, length {@code w * h}; not modified
     * @return a new row-major array of length {@code outW * outH}
     */
    public static int[] resizeRgb(int[] rgb, int w, int h, int outW, int outH, Filter filter) {
        Objects.requireNonNull(rgb, "rgb");
        Objects.requireNonNull(filter, "filter");
        if (w <= 0 || h <= 0 || outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException(
                    "image sizes must be positive: " + w + "x" + h + " -> " + outW + "x" + outH);
        }
        if (rgb.length != (long) w * h) {
            throw new IllegalArgumentException(
                    "pixel array has " + rgb.length + " entries, expected " + w + "*" + h);
        }
        boolean needHorizontal = outW != w;
        boolean needVertical = outH != h;
        if (!needHorizontal && !needVertical) {
            int[] copy = new int[rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                copy[i] = rgb[i] & 0xFFFFFF;
            }
            return copy;
        }

        Coeffs vert = Coeffs.compute(h, 0f, h, outH, filter);
        int[] src = rgb;
        int srcW = w;
        int rowOffset = 0;
        if (needHorizontal) {
            // Only the rows the vertical pass reads: [first, last).
            int first = vert.bounds[0];
            int last = vert.bounds[(outH - 1) * 2] + vert.bounds[(outH - 1) * 2 + 1];
            if (!needVertical) {
                first = 0;
                last = h;
            }
            Coeffs horiz = Coeffs.compute(w, 0f, w, outW, filter);
            src = horizontal(rgb, w, first, last - first, horiz, outW);
            srcW = outW;
            rowOffset = first;
        }
        if (!needVertical) {
            return src;
        }
        return vertical(src, srcW, rowOffset, vert, outH);
    }

    private static int[] horizontal(int[] in, int inW, int firstRow, int rows, Coeffs c, int outW) {
        int[] out = new int[outW * rows];
        int ksize = c.ksize;
        int[] kk = c.kk;
        int[] bounds = c.bounds;
        for (int yy = 0; yy < rows; yy++) {
            int rowBase = (yy + firstRow) * inW;
            int outBase = yy * outW;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = bounds[xx * 2];
                int xmax = bounds[xx * 2 + 1];
                int kBase = xx * ksize;
                int ss0 = HALF;
                int ss1 = HALF;
                int ss2 = HALF;
                for (int x = 0; x < xmax; x++) {
                    int p = in[rowBase + xmin + x];
                    int k = kk[kBase + x];
                    ss0 += ((p >>> 16) & 0xFF) * k;
                    ss1 += ((p >>> 8) & 0xFF) * k;
                    ss2 += (p & 0xFF) * k;
                }
                out[outBase + xx] = (clip8(ss0) << 16) | (clip8(ss1) << 8) | clip8(ss2);
            }
        }
        return out;
    }

    private static int[] vertical(int[] in, int w, int rowOffset, Coeffs c, int outH) {
        int[] out = new int[w * outH];
        int ksize = c.ksize;
        int[] kk = c.kk;
        int[] bounds = c.bounds;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[yy * 2] - rowOffset;
            int ymax = bounds[yy * 2 + 1];
            int kBase = yy * ksize;
            int outBase = yy * w;
            for (int xx = 0; xx < w; xx++) {
                int ss0 = HALF;
                int ss1 = HALF;
                int ss2 = HALF;
                for (int y = 0; y < ymax; y++) {
                    int p = in[(y + ymin) * w + xx];
                    int k = kk[kBase + y];
                    ss0 += ((p >>> 16) & 0xFF) * k;
                    ss1 += ((p >>> 8) & 0xFF) * k;
                    ss2 += (p & 0xFF) * k;
                }
                out[outBase + xx] = (clip8(ss0) << 16) | (clip8(ss1) << 8) | clip8(ss2);
            }
        }
        return out;
    }

    /** Drops the fractional bits (arithmetic shift, i.e. floor) and clamps to 0..255. */
    static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    /**
     * Per-output-pixel windows ({@code bounds[2i]} = first input index, {@code bounds[2i+1]} =
     * number of taps) and fixed-point weights ({@code kk[i * ksize + t]}).
     */
    static final class Coeffs {
        final int ksize;
        final int[] bounds;
        final int[] kk;
        /** The normalised weights before conversion to fixed point (for tests). */
        final double[] weights;

        private Coeffs(int ksize, int[] bounds, int[] kk, double[] weights) {
            this.ksize = ksize;
            this.bounds = bounds;
            this.kk = kk;
            this.weights = weights;
        }

        /**
         * Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. The
         * source box {@code [in0, in1)} is in float like Pillow's {@code float box[4]}.
         */
        static Coeffs compute(int inSize, float in0, float in1, int outSize, Filter filter) {
            double scale = (double) (in1 - in0) / outSize;
            double filterscale = scale < 1.0 ? 1.0 : scale;
            double support = filter.support * filterscale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            double[] weights = new double[outSize * ksize];
            int[] bounds = new int[outSize * 2];
            double ss = 1.0 / filterscale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = in0 + (xx + 0.5) * scale;
                double ww = 0.0;
                int xmin = (int) (center - support + 0.5); // C cast: truncation toward zero
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                int base = xx * ksize;
                for (int x = 0; x < xmax; x++) {
                    double wgt = filter.weight((x + xmin - center + 0.5) * ss);
                    weights[base + x] = wgt;
                    ww += wgt;
                }
                if (ww != 0.0) {
                    for (int x = 0; x < xmax; x++) {
                        weights[base + x] /= ww;
                    }
                }
                bounds[xx * 2] = xmin;
                bounds[xx * 2 + 1] = xmax;
            }
            int[] kk = new int[weights.length];
            double one = 1 << PRECISION_BITS;
            for (int i = 0; i < weights.length; i++) {
                double p = weights[i];
                kk[i] = p < 0 ? (int) (-0.5 + p * one) : (int) (0.5 + p * one);
            }
            return new Coeffs(ksize, bounds, kk, weights);
        }
    }
}
