package io.piip4j.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled images held in memory as 8-bit samples, {@code channels × height × width} per image
 * (channel-major), as MNIST-style data sets and small image folders fit comfortably.
 */
public record ImageSet(byte[] pixels, int[] labels, int channels, int height, int width, List<String> classes) {

    public ImageSet {
        long per = (long) channels * height * width;
        if (per <= 0 || pixels.length != per * labels.length) {
            throw new IllegalArgumentException("pixel buffer of " + pixels.length + " bytes does not hold " + labels.length
                    + " images of " + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.." + (classes.size() - 1));
            }
        }
        classes = List.copyOf(classes);
    }

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return classes.size();
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The first {@code n} images (or all, if fewer). */
    public ImageSet head(int n) {
        int k = Math.min(n, size());
        return new ImageSet(Arrays.copyOf(pixels, k * imageBytes()), Arrays.copyOf(labels, k), channels, height, width, classes);
    }

    /**
     * An MNIST-format pair: images {@code [N, H, W]} (grayscale) and labels {@code [N]}, each value
     * below the number of class names.
     */
    public static ImageSet fromIdx(Path images, Path labels, List<String> classNames) {
        IdxFile img = IdxFile.read(images);
        IdxFile lab = IdxFile.read(labels);
        if (img.dims().length != 3) {
            throw new DataException(images + ": expected images of shape [count, height, width], got " + Arrays.toString(img.dims()));
        }
        if (lab.dims().length != 1) {
            throw new DataException(labels + ": expected labels of shape [count], got " + Arrays.toString(lab.dims()));
        }
        if (img.dims()[0] != lab.dims()[0]) {
            throw new DataException(labels + ": holds " + lab.dims()[0] + " labels but " + images.getFileName() + " holds "
                    + img.dims()[0] + " images");
        }
        if (img.dims()[0] == 0 || img.dims()[1] == 0 || img.dims()[2] == 0) {
            throw new DataException(images + ": holds no pixels (shape " + Arrays.toString(img.dims()) + ")");
        }
        int[] y = new int[lab.dims()[0]];
        for (int i = 0; i < y.length; i++) {
            y[i] = lab.data()[i] & 0xFF;
            if (y[i] >= classNames.size()) {
                throw new DataException(labels + ": label " + y[i] + " at index " + i + " is not below the " + classNames.size()
                        + " classes");
            }
        }
        return new ImageSet(img.data(), y, 1, img.dims()[1], img.dims()[2], classNames);
    }
}
