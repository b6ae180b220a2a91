package io.piip4j.segmentor;

import java.util.List;

/**
 * A semantic segmentation of one image: the class index of every pixel (row-major, {@code width ×
 * height} at the original image's size) and, where asked for, the probability of that class (the
 * softmax's maximum). {@code classNames} names the indexes.
 */
public record ClassMap(int width, int height, int[] labels, float[] confidence, List<String> classNames) {
    public ClassMap {
        if (width < 1 || height < 1 || labels.length != (long) width * height
                || (confidence != null && confidence.length != labels.length)) {
            throw new IllegalArgumentException("class map of " + width + "x" + height + " with " + labels.length + " labels");
        }
        classNames = List.copyOf(classNames);
    }

    /** The class at pixel (x, y). */
    public int label(int x, int y) {
        return labels[y * width + x];
    }

    /** Pixels per class index ({@code classNames().size()} entries). */
    public long[] pixelCounts() {
        long[] counts = new long[classNames.size()];
        for (int l : labels) {
            if (l >= 0 && l < counts.length) {
                counts[l]++;
            }
        }
        return counts;
    }

    /** The classes present, largest share first. */
    public List<ClassShare> shares() {
        long[] counts = pixelCounts();
        double total = labels.length;
        java.util.List<ClassShare> out = new java.util.ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                out.add(new ClassShare(c, classNames.get(c), counts[c], counts[c] / total));
            }
        }
        out.sort(java.util.Comparator.comparingLong(ClassShare::pixels).reversed().thenComparingInt(ClassShare::index));
        return out;
    }

    /**
     * The class indices as a single-channel picture, as mmsegmentation's {@code format_results}
     * writes them (and as label maps are stored): 8-bit grey for up to 256 classes, 16-bit beyond.
     */
    public java.awt.image.BufferedImage indexImage() {
        boolean wide = classNames.size() > 256;
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width, height,
                wide ? java.awt.image.BufferedImage.TYPE_USHORT_GRAY : java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, width, height, 0, labels);
        return img;
    }

    /** One class's part of the image. */
    public record ClassShare(int index, String name, long pixels, double share) {
    }
}
