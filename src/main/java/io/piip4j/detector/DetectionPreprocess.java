package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.image.TestPipelineConfig;
import io.piip4j.head.ImageMeta;
import java.util.Arrays;

/**
 * mmdetection 2.25's single-scale test pipeline ({@code MultiScaleFlipAug} with {@code Resize},
 * {@code RandomFlip} (off), {@code Normalize}, {@code Pad}, {@code ImageToTensor}) on one image:
 *
 * <ol>
 *   <li>resize as {@code mmcv.imrescale} (keep ratio): {@code s = min(long / max(h, w), short / min(h, w))},
 *       new size {@code int(w·s + 0.5) × int(h·s + 0.5)}, with {@code cv2.INTER_LINEAR} ({@link CvResize});
 *       without {@code keep_ratio}, straight to {@code img_scale};</li>
 *   <li>{@code mmcv.imnormalize}: {@code x − mean} in float32, times {@code 1 / std} in float64, rounded to float32, channels in RGB order when
 *       {@code to_rgb} (the config's means are per RGB channel then), BGR otherwise;</li>
 *   <li>{@code Pad(size_divisor)}: zeros after normalisation, at the bottom and right, up to the next
 *       multiple;</li>
 * </ol>
 *
 * and the image meta the detector reads ({@code ori_shape}, {@code img_shape}, {@code pad_shape},
 * {@code scale_factor = (w'/w, h'/h, w'/w, h'/h)} in float32). Immutable and thread-safe.
 */
public final class DetectionPreprocess {
    /** mmdetection's default {@code img_scale}, used for configs without a {@code test_pipeline} (golden case.json). */
    public static final int[] DEFAULT_SCALE = {1333, 800};
    /** The size divisor used for configs without a {@code test_pipeline}. */
    public static final int DEFAULT_SIZE_DIVISOR = 32;

    /** One image ready for the detector: CHW float32 of {@code padHeight × padWidth}, and its meta. */
    public record Prepared(float[] chw, ImageMeta meta) {
    }

    private final int scaleW;
    private final int scaleH;
    private final boolean keepRatio;
    private final float[] mean;
    private final double[] stdInv;
    private final boolean toRgb;
    private final int sizeDivisor;

    /**
     * @param imgScale    {@code (w, h)} as mmdetection writes it; with keep_ratio only its long and short edge matter
     * @param sizeDivisor pad to a multiple of this (1: no padding)
     */
    public DetectionPreprocess(int[] imgScale, boolean keepRatio, double[] mean, double[] std, boolean toRgb, int sizeDivisor) {
        if (imgScale.length != 2 || imgScale[0] < 1 || imgScale[1] < 1) {
            throw new IllegalArgumentException("img_scale must be two positive sizes, got " + Arrays.toString(imgScale));
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        if (sizeDivisor < 1) {
            throw new IllegalArgumentException("size_divisor must be positive, got " + sizeDivisor);
        }
        this.scaleW = imgScale[0];
        this.scaleH = imgScale[1];
        this.keepRatio = keepRatio;
        this.mean = new float[3];
        this.stdInv = new double[3];
        for (int c = 0; c < 3; c++) {
            if (!(std[c] != 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("std must be finite and non-zero: " + Arrays.toString(std));
            }
            this.mean[c] = (float) mean[c];
            this.stdInv[c] = 1.0 / std[c]; // mmcv: cv2.multiply by a float64 1 / std, the product rounded to float32
        }
        this.toRgb = toRgb;
        this.sizeDivisor = sizeDivisor;
    }

    /**
     * The pipeline of a released config ({@code test_pipeline}, {@code img_norm_cfg}) or a golden
     * case.json ({@code config.img_norm_cfg}; no pipeline there, so {@link #DEFAULT_SCALE} and
     * {@link #DEFAULT_SIZE_DIVISOR}). Errors name {@code src} and the key.
     */
    public static DetectionPreprocess fromConfig(JsonNode root, String src) {
        TestPipelineConfig p = TestPipelineConfig.read(root, src);
        int[] scale = p.imgScale() != null ? p.imgScale() : DEFAULT_SCALE.clone();
        boolean keepRatio = true;
        int divisor = p.aug() != null ? 1 : DEFAULT_SIZE_DIVISOR;
        for (JsonNode t : p.transforms()) {
            switch (t.path("type").asText()) {
                case "Resize" -> keepRatio = t.path("keep_ratio").asBoolean(true);
                case "Pad" -> {
                    if (!t.path("size_divisor").canConvertToInt() || t.path("size_divisor").asInt() < 1) {
                        throw new ConfigException(p.where() + ": Pad: only a positive size_divisor is supported, got " + t);
                    }
                    JsonNode pv = t.path("pad_val");
                    JsonNode imgPad = pv.isObject() ? pv.path("img") : pv;
                    if (!pv.isMissingNode() && !(imgPad.isMissingNode() || imgPad.isNumber() && imgPad.asDouble() == 0)) {
                        throw new ConfigException(p.where() + ": Pad: only pad_val 0 is supported, got " + t.get("pad_val"));
                    }
                    divisor = t.get("size_divisor").asInt();
                }
                default -> {
                }
            }
        }
        TestPipelineConfig.Normalization n = p.normalization();
        return new DetectionPreprocess(scale, keepRatio, n.mean(), n.std(), n.toRgb(), divisor);
    }

    /**
     * {@code mmcv.rescale_size}: the {@code (w', h')} an image of {@code w × h} is resized to so that
     * it fits {@code longEdge × shortEdge} with its aspect ratio kept.
     */
    public static int[] rescaledSize(int w, int h, int longEdge, int shortEdge) {
        double s = Math.min((double) longEdge / Math.max(h, w), (double) shortEdge / Math.min(h, w));
        return new int[] {(int) (w * s + 0.5), (int) (h * s + 0.5)};
    }

    /** The resized size {@code (w', h')} of an image of {@code w × h}. */
    public int[] resizedSize(int w, int h) {
        if (!keepRatio) {
            return new int[] {scaleW, scaleH};
        }
        return rescaledSize(w, h, Math.max(scaleW, scaleH), Math.min(scaleW, scaleH));
    }

    public Prepared apply(DetectionImages.Pixels image) {
        return apply(image.rgb(), image.width(), image.height());
    }

    /** Runs the pipeline on packed {@code 0xRRGGBB} row-major pixels. */
    public Prepared apply(int[] rgb, int w, int h) {
        if (rgb.length != (long) w * h || w < 1 || h < 1) {
            throw new IllegalArgumentException(w + "x" + h + " image with " + rgb.length + " pixels");
        }
        int[] size = resizedSize(w, h);
        int nw = Math.max(size[0], 1);
        int nh = Math.max(size[1], 1);
        byte[] hwc = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            hwc[3 * i] = (byte) (rgb[i] >> 16);
            hwc[3 * i + 1] = (byte) (rgb[i] >> 8);
            hwc[3 * i + 2] = (byte) rgb[i];
        }
        byte[] resized = CvResize.linear(hwc, w, h, 3, nw, nh);
        int ph = (nh + sizeDivisor - 1) / sizeDivisor * sizeDivisor;
        int pw = (nw + sizeDivisor - 1) / sizeDivisor * sizeDivisor;
        int plane = ph * pw;
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int src = toRgb ? c : 2 - c; // channel order the config's mean/std refer to
            float m = mean[c];
            double si = stdInv[c];
            for (int y = 0; y < nh; y++) {
                for (int x = 0; x < nw; x++) {
                    float v = resized[(y * nw + x) * 3 + src] & 0xFF;
                    chw[c * plane + y * pw + x] = (float) ((double) (v - m) * si);
                }
            }
        }
        return new Prepared(chw, meta(w, h, nw, nh, ph, pw));
    }

    /** The meta {@link #apply} gives an image of {@code w × h}, without its pixels. */
    public ImageMeta meta(int w, int h) {
        int[] size = resizedSize(w, h);
        int nw = Math.max(size[0], 1);
        int nh = Math.max(size[1], 1);
        return meta(w, h, nw, nh, (nh + sizeDivisor - 1) / sizeDivisor * sizeDivisor, (nw + sizeDivisor - 1) / sizeDivisor * sizeDivisor);
    }

    /** The short edge of the test scale: keep-ratio resizing brings an image's short edge to it (or its long edge to the other). */
    public int shortEdge() {
        return Math.min(scaleW, scaleH);
    }

    private static ImageMeta meta(int w, int h, int nw, int nh, int ph, int pw) {
        float sx = (float) ((double) nw / w);
        float sy = (float) ((double) nh / h);
        return new ImageMeta(h, w, nh, nw, ph, pw, new float[] {sx, sy, sx, sy});
    }

    @Override
    public String toString() {
        return "DetectionPreprocess[img_scale=(" + scaleW + ", " + scaleH + "), keep_ratio=" + keepRatio + ", mean="
                + Arrays.toString(mean) + ", 1/std=" + Arrays.toString(stdInv) + ", to_rgb=" + toRgb + ", size_divisor="
                + sizeDivisor + "]";
    }
}
