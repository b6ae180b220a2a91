package io.piip4j.data;

import java.util.SplittableRandom;

/**
 * The augmentations of a small-image run, on one channel-major 8-bit image: a random crop of the
 * original size from the image zero-padded by {@code pad} pixels on every side (torchvision's
 * {@code RandomCrop(size, padding=pad)}), then a horizontal flip with probability ½
 * ({@code RandomHorizontalFlip}). Randomness comes from the caller's generator, so a run's
 * augmentations follow from its seed.
 */
public record Augment(int pad, boolean flip) {

    public static final Augment NONE = new Augment(0, false);

    public Augment {
        if (pad < 0) {
            throw new IllegalArgumentException("crop padding must not be negative, got " + pad);
        }
    }

    public boolean isIdentity() {
        return pad == 0 && !flip;
    }

    /** Writes the augmented image into {@code dst} (same layout as {@code src}). */
    public void apply(byte[] src, int srcOff, byte[] dst, int dstOff, int channels, int h, int w, SplittableRandom rng) {
        int dy = pad == 0 ? 0 : rng.nextInt(2 * pad + 1) - pad;
        int dx = pad == 0 ? 0 : rng.nextInt(2 * pad + 1) - pad;
        boolean mirror = flip && rng.nextBoolean();
        for (int c = 0; c < channels; c++) {
            int plane = c * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int ox = mirror ? w - 1 - x : x;
                    int sx = x + dx;
                    byte v = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[srcOff + plane + sy * w + sx] : 0;
                    dst[dstOff + plane + y * w + ox] = v;
                }
            }
        }
    }
}
