package io.piip4j.data;

import io.piip4j.image.ImageNetTransform;
import io.piip4j.image.PilResize;
import java.awt.image.BufferedImage;

/**
 * Brings any decoded image to a small data set's format: RGB as PIL's {@code convert("RGB")},
 * then grey as PIL's {@code convert("L")} when one channel is wanted, resized to a fixed square
 * size with Pillow's antialiased bicubic filter. Samples are channel-major 8-bit values.
 */
public final class SmallImages {
    private SmallImages() {
    }

    public static byte[] samples(BufferedImage img, int channels, int size) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = ImageNetTransform.toRgb(img);
        if (w != size || h != size) {
            rgb = PilResize.resizeRgb(rgb, w, h, size, size);
        }
        int n = size * size;
        byte[] out = new byte[channels * n];
        for (int i = 0; i < n; i++) {
            int p = rgb[i];
            int r = (p >>> 16) & 0xFF;
            int g = (p >>> 8) & 0xFF;
            int b = p & 0xFF;
            if (channels == 1) {
                out[i] = (byte) luma(r, g, b);
            } else {
                out[i] = (byte) r;
                out[n + i] = (byte) g;
                out[2 * n + i] = (byte) b;
            }
        }
        return out;
    }

    /** PIL's ITU-R 601-2 luma in its fixed-point form: (19595 R + 38470 G + 7471 B + 2^15) >> 16. */
    public static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
}
