package io.piip4j.segmentor.train;

import io.piip4j.config.JsonPath;
import io.piip4j.detector.DetectionImages;
import io.piip4j.eval.seg.LabelMap;
import io.piip4j.eval.seg.SegmentationMetrics;
import io.piip4j.segmentor.SegmentationPreprocess;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

/**
 * mmsegmentation's released training pipeline for one image and its label map: {@code Resize}
 * to {@code img_scale} times a ratio drawn uniformly from {@code ratio_range} (keep-ratio; the
 * image bilinear, the labels nearest), {@code RandomCrop} of {@code crop_size} retried up to ten
 * times until no class covers more than {@code cat_max_ratio} of the crop, {@code RandomFlip},
 * {@code Normalize}, and {@code Pad} to the crop size (image 0, labels the ignored 255). ADE20K's
 * {@code reduce_zero_label} is applied as the labels are read. Not here: {@code PhotoMetricDistortion}
 * (random brightness, contrast, saturation and hue).
 */
public final class SegmentationTrainTransform {
    public static final int IGNORE = 255;

    /**
     * The recipe's {@code augment} object.
     *
     * @param imgScale    {@code img_scale} (long and short edge), or null for the model's test pipeline's
     * @param ratioRange  {@code ratio_range} (min, max), or null to resize to {@code img_scale} exactly
     * @param cropSize    {@code crop_size} (height, width), or null for the backbone's input size
     * @param catMaxRatio {@code cat_max_ratio} (1 disables the retries)
     * @param flip        {@code RandomFlip}'s probability
     */
    public record Settings(int[] imgScale, double[] ratioRange, int[] cropSize, double catMaxRatio, double flip) {

        static Settings read(JsonPath a) {
            a.allowOnly(Set.of("img_scale", "ratio_range", "crop_size", "cat_max_ratio", "flip"));
            int[] scale = a.has("img_scale") ? positivePair(a, "img_scale") : null;
            double[] ratio = a.numbers("ratio_range", new double[] {0.5, 2.0});
            if (ratio.length != 2 || !(ratio[0] > 0) || ratio[1] < ratio[0]) {
                throw a.error("ratio_range", "expected [min, max] with 0 < min <= max, got " + Arrays.toString(ratio));
            }
            int[] crop = a.has("crop_size") ? positivePair(a, "crop_size") : null;
            double cat = a.nonNegative("cat_max_ratio", 0.75);
            if (cat > 1 || cat == 0) {
                throw a.error("cat_max_ratio", "expected a fraction in (0, 1], got " + cat);
            }
            double flip = a.nonNegative("flip", 0.5);
            if (flip > 1) {
                throw a.error("flip", "expected a probability in [0, 1], got " + flip);
            }
            return new Settings(scale, ratio, crop, cat, flip);
        }

        private static int[] positivePair(JsonPath a, String key) {
            double[] v = a.node().get(key).isNumber() ? new double[] {a.node().get(key).asDouble()} : a.numbers(key, null);
            if (v.length == 1) {
                v = new double[] {v[0], v[0]};
            }
            if (v.length != 2 || v[0] < 1 || v[1] < 1 || v[0] != Math.rint(v[0]) || v[1] != Math.rint(v[1])) {
                throw a.error(key, "expected one or two positive integers, got " + Arrays.toString(v));
            }
            return new int[] {(int) v[0], (int) v[1]};
        }
    }

    /** One training example: CHW float32 and row-major labels, both {@code cropH × cropW}. */
    public record Example(float[] chw, int[] labels) {
    }

    private final SegmentationPreprocess pipeline;
    private final int[] imgScale;
    private final double[] ratioRange;
    private final int cropH;
    private final int cropW;
    private final double catMaxRatio;
    private final double flip;
    private final boolean reduceZeroLabel;

    /**
     * @param pipeline the model's test pipeline (its normalisation; its scale where the settings give none)
     * @param imgScale the scale to use where the settings give none
     * @param inputSize the crop side where the settings give none
     */
    public SegmentationTrainTransform(Settings s, SegmentationPreprocess pipeline, int[] imgScale, int inputSize, boolean reduceZeroLabel) {
        this.pipeline = pipeline;
        this.imgScale = s.imgScale() != null ? s.imgScale() : imgScale;
        this.ratioRange = s.ratioRange();
        this.cropH = s.cropSize() != null ? s.cropSize()[0] : inputSize;
        this.cropW = s.cropSize() != null ? s.cropSize()[1] : inputSize;
        this.catMaxRatio = s.catMaxRatio();
        this.flip = s.flip();
        this.reduceZeroLabel = reduceZeroLabel;
    }

    public int cropHeight() {
        return cropH;
    }

    public int cropWidth() {
        return cropW;
    }

    public Example apply(SegmentationTrainingSet.Sample sample, Random rnd) {
        DetectionImages.Pixels px = DetectionImages.read(sample.image());
        LabelMap label = LabelMap.read(sample.labels());
        if (label.width() != px.width() || label.height() != px.height()) {
            throw new IllegalArgumentException(sample.labels() + ": label map is " + label.width() + "x" + label.height() + " but "
                    + sample.image().getFileName() + " is " + px.width() + "x" + px.height());
        }
        int[] labels = label.values().clone();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = SegmentationMetrics.reduced(labels[i], reduceZeroLabel);
        }
        // Resize: img_scale × ratio, then mmcv's keep-ratio rescale
        double r = ratioRange == null ? 1.0 : ratioRange[0] + rnd.nextDouble() * (ratioRange[1] - ratioRange[0]);
        SegmentationPreprocess.Prepared p = pipeline.withScale(new int[] {(int) (imgScale[0] * r), (int) (imgScale[1] * r)}).apply(px);
        int h = p.meta().imgH();
        int w = p.meta().imgW();
        int[] resized = nearest(labels, px.width(), px.height(), w, h);
        // RandomCrop with cat_max_ratio: the last draw is kept when no draw passes
        int[] box = cropBox(h, w, rnd);
        if (catMaxRatio < 1) {
            for (int t = 0; t < 10; t++) {
                if (balanced(resized, w, box)) {
                    break;
                }
                box = cropBox(h, w, rnd);
            }
        }
        boolean flipped = rnd.nextDouble() < flip;
        int ch = box[1] - box[0];
        int cw = box[3] - box[2];
        float[] chw = new float[3 * cropH * cropW]; // padding: 0 after normalisation
        int[] out = new int[cropH * cropW];
        Arrays.fill(out, IGNORE);
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int sx = box[2] + (flipped ? cw - 1 - x : x);
                int sy = box[0] + y;
                out[y * cropW + x] = resized[sy * w + sx];
                for (int c = 0; c < 3; c++) {
                    chw[(c * cropH + y) * cropW + x] = p.chw()[(c * h + sy) * w + sx];
                }
            }
        }
        return new Example(chw, out);
    }

    /** {@code [y1, y2, x1, x2)} of a crop at a random offset (the whole side where the image is smaller). */
    private int[] cropBox(int h, int w, Random rnd) {
        int oy = rnd.nextInt(Math.max(h - cropH, 0) + 1);
        int ox = rnd.nextInt(Math.max(w - cropW, 0) + 1);
        return new int[] {oy, oy + Math.min(cropH, h), ox, ox + Math.min(cropW, w)};
    }

    /** More than one class in the crop and none above {@code cat_max_ratio} of its labelled pixels. */
    private boolean balanced(int[] labels, int w, int[] box) {
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int y = box[0]; y < box[1]; y++) {
            for (int x = box[2]; x < box[3]; x++) {
                int v = labels[y * w + x];
                if (v != IGNORE) {
                    counts.merge(v, 1, Integer::sum);
                }
            }
        }
        if (counts.size() < 2) {
            return false;
        }
        long sum = 0;
        int max = 0;
        for (int c : counts.values()) {
            sum += c;
            max = Math.max(max, c);
        }
        return (double) max / sum < catMaxRatio;
    }

    /** OpenCV's nearest-neighbour resize ({@code src = floor(dst · src_size / dst_size)}) of a row-major label map. */
    static int[] nearest(int[] src, int w, int h, int nw, int nh) {
        if (nw == w && nh == h) {
            return src;
        }
        int[] out = new int[nw * nh];
        double fx = (double) w / nw;
        double fy = (double) h / nh;
        for (int y = 0; y < nh; y++) {
            int sy = Math.min(h - 1, (int) Math.floor(y * fy));
            for (int x = 0; x < nw; x++) {
                out[y * nw + x] = src[sy * w + Math.min(w - 1, (int) Math.floor(x * fx))];
            }
        }
        return out;
    }
}
