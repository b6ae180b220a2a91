package io.piip4j.detector;

/**
 * OpenCV's {@code cv2.resize(img, (dw, dh), interpolation=cv2.INTER_LINEAR)} for 8-bit images with
 * interleaved channels, as mmcv's {@code imresize} calls it. It reproduces OpenCV's fixed-point
 * arithmetic: per output column and row a source index and two weights from
 * {@code f = (float)((d + 0.5) * (1.0 / (dsize / ssize)) - 0.5)}, weights
 * {@code rint((1 - frac) * 2048)} and {@code rint(frac * 2048)} (columns clamped at the borders with
 * weight 2048 on the edge pixel, rows clipped), a horizontal pass in 32-bit integers, and the vertical
 * pass as OpenCV's SIMD kernel computes it: {@code ((h0 >> 4) * b0 >> 16) + ((h1 >> 4) * b1 >> 16) + 2 >> 2},
 * saturated to 0..255. A downscale by exactly 2 in both directions is OpenCV's area average
 * ({@code (a + b + c + d + 2) >> 2}), as cv2.resize switches to INTER_AREA there.
 *
 * <p>Bit-exact with OpenCV 5.0.0 (opencv-python-headless, x86-64) on every case tested
 * ({@code CvResizeTest}). OpenCV 4.x computes the last {@code (width·channels) mod 16} values of each
 * row (those its SIMD loop leaves over) with the exact rounding {@code (h0·b0 + h1·b1 + 2^21) >> 22}
 * instead, which can differ by 1 grey level there; and in the 2× area case its scalar tail rounds
 * half to even. Everything else is the same arithmetic.
 */
public final class CvResize {
    private static final int COEF_SCALE = 1 << 11; // INTER_RESIZE_COEF_SCALE

    private CvResize() {
    }

    /**
     * Resizes {@code src} ({@code h × w × cn} bytes, row-major, interleaved) to {@code dh × dw × cn}.
     */
    public static byte[] linear(byte[] src, int w, int h, int cn, int dw, int dh) {
        if (w < 1 || h < 1 || dw < 1 || dh < 1 || cn < 1 || src.length != (long) w * h * cn) {
            throw new IllegalArgumentException("resize " + w + "x" + h + "x" + cn + " (" + src.length + " bytes) to " + dw + "x" + dh);
        }
        if (dw == w && dh == h) {
            return src.clone();
        }
        double scaleX = 1.0 / ((double) dw / w);
        double scaleY = 1.0 / ((double) dh / h);
        if (Math.abs(scaleX - 2) < Math.ulp(1.0) && Math.abs(scaleY - 2) < Math.ulp(1.0)) {
            return halve(src, w, cn, dw, dh);
        }
        int[] xofs = new int[dw];
        int[] alpha = new int[2 * dw];
        for (int dx = 0; dx < dw; dx++) {
            float fx = (float) ((dx + 0.5) * scaleX - 0.5);
            int sx = (int) Math.floor(fx);
            fx -= sx;
            if (sx < 0) {
                fx = 0;
                sx = 0;
            }
            if (sx >= w - 1) {
                fx = 0;
                sx = w - 1;
            }
            xofs[dx] = sx;
            alpha[2 * dx] = (int) Math.rint((1f - fx) * COEF_SCALE);
            alpha[2 * dx + 1] = (int) Math.rint(fx * COEF_SCALE);
        }
        int rowLen = dw * cn;
        int[] row0 = new int[rowLen];
        int[] row1 = new int[rowLen];
        int cached0 = -1;
        int cached1 = -1;
        byte[] out = new byte[dh * rowLen];
        for (int dy = 0; dy < dh; dy++) {
            float fy = (float) ((dy + 0.5) * scaleY - 0.5);
            int sy = (int) Math.floor(fy);
            fy -= sy;
            int b0 = (int) Math.rint((1f - fy) * COEF_SCALE);
            int b1 = (int) Math.rint(fy * COEF_SCALE);
            int r0 = Math.min(Math.max(sy, 0), h - 1);
            int r1 = Math.min(Math.max(sy + 1, 0), h - 1);
            if (r0 != cached0) {
                if (r0 == cached1) {
                    int[] t = row0;
                    row0 = row1;
                    row1 = t;
                    cached1 = -1;
                } else {
                    horizontal(src, w, cn, r0, xofs, alpha, row0);
                }
                cached0 = r0;
            }
            if (r1 != cached1) {
                horizontal(src, w, cn, r1, xofs, alpha, row1);
                cached1 = r1;
            }
            int o = dy * rowLen;
            for (int x = 0; x < rowLen; x++) {
                int v = (short) Math.max(-32768, Math.min(32767, ((row0[x] >> 4) * b0 >> 16) + ((row1[x] >> 4) * b1 >> 16)));
                v = (v + 2) >> 2;
                out[o + x] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    private static void horizontal(byte[] src, int w, int cn, int y, int[] xofs, int[] alpha, int[] dst) {
        int base = y * w * cn;
        for (int dx = 0; dx < xofs.length; dx++) {
            int sx = xofs[dx];
            int a0 = alpha[2 * dx];
            int a1 = alpha[2 * dx + 1];
            int p = base + sx * cn;
            for (int k = 0; k < cn; k++) {
                int v = (src[p + k] & 0xFF) * a0;
                if (sx + 1 < w) {
                    v += (src[p + cn + k] & 0xFF) * a1;
                }
                dst[dx * cn + k] = v;
            }
        }
    }

    /** INTER_AREA's fast path for an exact 2× downscale: the rounded mean of each 2×2 block. */
    private static byte[] halve(byte[] src, int w, int cn, int dw, int dh) {
        byte[] out = new byte[dw * dh * cn];
        int stride = w * cn;
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                for (int k = 0; k < cn; k++) {
                    int p = 2 * y * stride + 2 * x * cn + k;
                    int s = (src[p] & 0xFF) + (src[p + cn] & 0xFF) + (src[p + stride] & 0xFF) + (src[p + stride + cn] & 0xFF);
                    out[(y * dw + x) * cn + k] = (byte) ((s + 2) >> 2);
                }
            }
        }
        return out;
    }
}
