package io.piip4j.detector.train;

import io.piip4j.detector.DetectionImages;
import io.piip4j.detector.DetectionPreprocess;
import io.piip4j.head.ImageMeta;
import java.util.Random;

/**
 * The released training pipeline for one image: the test pipeline's keep-ratio resize,
 * normalisation and padding ({@link DetectionPreprocess}), a horizontal flip with probability
 * {@code flip} after resizing (mmdetection's {@code RandomFlip}), and the same geometry applied to
 * the objects: boxes scaled and clipped to the resized image, masks resized by nearest neighbour,
 * flipped and padded with the image.
 */
public final class TrainTransform {
    /** One image ready for the detector's training forward. */
    public record Example(float[] chw, ImageMeta meta, GroundTruth truth) {
    }

    private final DetectionPreprocess pipeline;
    private final double flip;

    public TrainTransform(DetectionPreprocess pipeline, double flip) {
        if (!(flip >= 0 && flip <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + flip);
        }
        this.pipeline = pipeline;
        this.flip = flip;
    }

    public Example apply(CocoTrainingSet.Sample s, Random rnd) {
        DetectionImages.Pixels px = DetectionImages.read(s.file());
        if (px.width() != s.width() || px.height() != s.height()) {
            throw new IllegalArgumentException(s.file() + ": image is " + px.width() + "x" + px.height()
                    + " but the annotations say " + s.width() + "x" + s.height());
        }
        DetectionPreprocess.Prepared p = pipeline.apply(px);
        ImageMeta m = p.meta();
        boolean flipped = rnd.nextDouble() < flip;
        int n = s.labels().length;
        float[] boxes = new float[4 * n];
        float sx = (float) m.imgW() / s.width();
        float sy = (float) m.imgH() / s.height();
        for (int i = 0; i < n; i++) {
            float x1 = clip(s.boxes()[4 * i] * sx, m.imgW());
            float y1 = clip(s.boxes()[4 * i + 1] * sy, m.imgH());
            float x2 = clip(s.boxes()[4 * i + 2] * sx, m.imgW());
            float y2 = clip(s.boxes()[4 * i + 3] * sy, m.imgH());
            boxes[4 * i] = flipped ? m.imgW() - x2 : x1;
            boxes[4 * i + 1] = y1;
            boxes[4 * i + 2] = flipped ? m.imgW() - x1 : x2;
            boxes[4 * i + 3] = y2;
        }
        byte[] masks = new byte[n * m.padH() * m.padW()];
        for (int i = 0; i < n; i++) {
            byte[] colMajor = s.masks().get(i).decode();
            resizeNearest(colMajor, s.width(), s.height(), masks, i * m.padH() * m.padW(), m.imgW(), m.imgH(), m.padW(), flipped);
        }
        float[] chw = p.chw();
        if (flipped) {
            flipImage(chw, m);
        }
        return new Example(chw, m, new GroundTruth(boxes, s.labels().clone(), masks, m.padH(), m.padW()));
    }

    /** OpenCV's nearest neighbour ({@code src = floor(dst · src_size / dst_size)}) from a column-major mask into a padded row-major one. */
    private static void resizeNearest(byte[] colMajor, int w, int h, byte[] out, int base, int nw, int nh, int padW, boolean flip) {
        double fx = (double) w / nw;
        double fy = (double) h / nh;
        for (int y = 0; y < nh; y++) {
            int sy = Math.min(h - 1, (int) Math.floor(y * fy));
            for (int x = 0; x < nw; x++) {
                int sx = Math.min(w - 1, (int) Math.floor(x * fx));
                int dx = flip ? nw - 1 - x : x;
                out[base + y * padW + dx] = colMajor[sx * h + sy];
            }
        }
    }

    private static void flipImage(float[] chw, ImageMeta m) {
        int plane = m.padH() * m.padW();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < m.imgH(); y++) {
                int row = c * plane + y * m.padW();
                for (int a = 0, b = m.imgW() - 1; a < b; a++, b--) {
                    float t = chw[row + a];
                    chw[row + a] = chw[row + b];
                    chw[row + b] = t;
                }
            }
        }
    }

    private static float clip(float v, int max) {
        return Math.min(Math.max(v, 0f), max);
    }
}
