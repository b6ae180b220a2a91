package io.piip4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small MNIST-format files for tests: a learnable synthetic data set, or raw headers. */
public final class IdxFiles {
    private IdxFiles() {
    }

    public static byte[] idx(int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(0x08);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    public static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
        if (!gzip) {
            Files.write(file, bytes);
            return;
        }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            o.write(bytes);
        }
    }

    /**
     * {@code n} 28×28 images in {@code classes} classes that a tiny model can tell apart: class
     * k is a bright bar at row band k on a dark, noisy background. Writes
     * {train,test}-{images,labels} IDX files (gzip-compressed) into {@code dir}.
     */
    public static void synthetic(Path dir, int nTrain, int nTest, int classes, long seed) throws IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (String split : new String[] {"train", "test"}) {
            int n = split.equals("train") ? nTrain : nTest;
            byte[] px = new byte[n * 28 * 28];
            byte[] y = new byte[n];
            for (int i = 0; i < n; i++) {
                int k = r.nextInt(classes);
                y[i] = (byte) k;
                int band = 2 + k * (24 / classes);
                for (int row = 0; row < 28; row++) {
                    for (int col = 0; col < 28; col++) {
                        int v = r.nextInt(40);
                        if (row >= band && row < band + 3 && col >= 4 && col < 24) {
                            v = 200 + r.nextInt(55);
                        }
                        px[i * 784 + row * 28 + col] = (byte) v;
                    }
                }
            }
            write(dir.resolve(split + "-images-idx3-ubyte.gz"), idx(new int[] {n, 28, 28}, px), true);
            write(dir.resolve(split + "-labels-idx1-ubyte.gz"), idx(new int[] {n}, y), true);
        }
    }
}
