package io.piip4j.data;

import java.util.SplittableRandom;

/**
 * One epoch of mini-batches over an {@link ImageSet}: the order is a permutation drawn from
 * {@code (seed, epoch)} and each image's augmentation from the same stream, so an epoch is fully
 * determined by its number and a resumed run sees exactly the batches it would have seen. The
 * last, smaller batch is dropped in training (as {@code drop_last=True}), kept in evaluation.
 */
public final class Batches {
    /** Raw 8-bit samples {@code (n, C, H, W)} and their labels. */
    public record Batch(byte[] pixels, int[] labels, int channels, int height, int width) {
        public int size() {
            return labels.length;
        }
    }

    private Batches() {
    }

    /** Number of batches an epoch has. */
    public static int count(int n, int batchSize, boolean dropLast) {
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The image order of an epoch: Fisher–Yates from a generator seeded by seed and epoch. */
    public static int[] order(int n, long seed, int epoch) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, 0x5eed0fdeL));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    /**
     * Batch {@code b} of a shuffled, augmented training epoch. Each batch has its own generator,
     * so batch {@code b} does not depend on whether batches before it were produced in this process.
     */
    public static Batch train(ImageSet data, int[] order, int b, int batchSize, Augment aug, long seed, int epoch) {
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, 0xa06L * 1_000_003L + b));
        return gather(data, order, b * batchSize, batchSize, aug, r);
    }

    /** Batch {@code b} of an evaluation pass: data order, no augmentation. */
    public static Batch eval(ImageSet data, int b, int batchSize) {
        int start = b * batchSize;
        int n = Math.min(batchSize, data.size() - start);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = start + i;
        }
        return gather(data, idx, 0, n, Augment.NONE, null);
    }

    private static Batch gather(ImageSet data, int[] order, int start, int n, Augment aug, SplittableRandom r) {
        int per = data.imageBytes();
        byte[] px = new byte[n * per];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int k = order[start + i];
            if (aug.isIdentity()) {
                System.arraycopy(data.pixels(), k * per, px, i * per, per);
            } else {
                aug.apply(data.pixels(), k * per, px, i * per, data.channels(), data.height(), data.width(), r);
            }
            y[i] = data.labels()[k];
        }
        return new Batch(px, y, data.channels(), data.height(), data.width());
    }

    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
