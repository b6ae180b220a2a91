package io.piip4j.segmentor;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.image.TestPipelineConfig;
import io.piip4j.detector.CvResize;
import io.piip4j.detector.DetectionImages;
import io.piip4j.head.ImageMeta;
import java.util.Arrays;

/**
 * The released ADE20K test pipeline of mmsegmentation 0.27 on one image ({@code MultiScaleFlipAug}
 * with {@code SETR_Resize}, {@code Normalize}, no flip, no padding):
 *
 * <ol>
 *   <li>{@code SETR_Resize} ({@code keep_ratio}, {@code setr_multi_scale}): the short edge becomes
 *       {@code max(min(img_scale), crop_size[0])} and the long edge follows the aspect ratio, through
 *       {@code mmcv.imrescale} (size {@code int(w·s + 0.5) × int(h·s + 0.5)}, {@code cv2.INTER_LINEAR});
 *       mmseg's plain {@code Resize} with {@code keep_ratio} fits the image into {@code img_scale}
 *       (long, short edge);</li>
 *   <li>{@code Normalize}: {@code x − mean} in float32, times {@code 1 / std} in float64, rounded to
 *       float32, channels in RGB order when {@code to_rgb}.</li>
 * </ol>
 *
 * <p>Whole-mode inference of the PIIP segmentor takes at most its backbone's input size (its position
 * embeddings are not resized), so {@link #forWhole} fits the image into that square instead, keeping
 * its aspect ratio; the segmentor pads the rest and crops it off the logits again. Immutable.
 */
public final class SegmentationPreprocess {
    /** One image ready for the segmentor: CHW float32 of {@code imgH × imgW}, and its meta. */
    public record Prepared(float[] chw, ImageMeta meta) {
    }

    private final int longEdge;
    private final int shortEdge;
    private final boolean setr;
    private final int cropShort;
    private final double[] configMean;
    private final double[] configStd;
    private final float[] mean;
    private final double[] stdInv;
    private final boolean toRgb;

    /**
     * @param imgScale  {@code img_scale} (w, h) as the config writes it; only its long and short edge matter
     * @param setrCrop  {@code SETR_Resize}'s {@code crop_size[0]} (the least short edge), or 0 for mmseg's {@code Resize}
     */
    public SegmentationPreprocess(int[] imgScale, int setrCrop, double[] mean, double[] std, boolean toRgb) {
        if (imgScale.length != 2 || imgScale[0] < 1 || imgScale[1] < 1) {
            throw new IllegalArgumentException("img_scale must be two positive sizes, got " + Arrays.toString(imgScale));
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        this.longEdge = Math.max(imgScale[0], imgScale[1]);
        this.shortEdge = Math.min(imgScale[0], imgScale[1]);
        this.configMean = mean.clone();
        this.configStd = std.clone();
        this.setr = setrCrop > 0;
        this.cropShort = setrCrop;
        this.mean = new float[3];
        this.stdInv = new double[3];
        for (int c = 0; c < 3; c++) {
            if (!(std[c] != 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("std must be finite and non-zero: " + Arrays.toString(std));
            }
            this.mean[c] = (float) mean[c];
            this.stdInv[c] = 1.0 / std[c];
        }
        this.toRgb = toRgb;
    }

    /** The same normalisation, resizing every image to fit into {@code size × size} (whole-mode inference). */
    public SegmentationPreprocess forWhole(int size) {
        return new SegmentationPreprocess(new int[] {size, size}, 0, configMean, configStd, toRgb);
    }

    /** {@code img_scale} as (long edge, short edge). */
    public int[] imgScale() {
        return new int[] {longEdge, shortEdge};
    }

    /** The same normalisation after mmseg's keep-ratio {@code Resize} to {@code imgScale} (training's randomly scaled sizes). */
    public SegmentationPreprocess withScale(int[] imgScale) {
        return new SegmentationPreprocess(imgScale, 0, configMean, configStd, toRgb);
    }

    /**
     * The pipeline of a released config ({@code test_pipeline}, {@code img_norm_cfg}) or of a golden
     * case.json ({@code config.img_norm_cfg}; it has no pipeline: SETR resizing to a short edge of
     * {@code defaultShort}, the size the model slides over). Errors name {@code src} and the key.
     */
    public static SegmentationPreprocess fromConfig(JsonNode root, String src, int defaultShort) {
        TestPipelineConfig p = TestPipelineConfig.read(root, src);
        int[] scale = p.imgScale() != null ? p.imgScale() : new int[] {4 * defaultShort, defaultShort};
        int crop = p.aug() != null ? 0 : defaultShort;
        boolean resized = p.aug() == null;
        for (JsonNode t : p.transforms()) {
            String type = t.path("type").asText();
            switch (type) {
                case "SETR_Resize", "Resize" -> {
                    if (!t.path("keep_ratio").asBoolean(true)) {
                        throw new ConfigException(p.where() + ": " + type + ": only keep_ratio true is supported");
                    }
                    if (type.equals("SETR_Resize") && t.path("setr_multi_scale").asBoolean(false)) {
                        JsonNode c = t.path("crop_size");
                        if (!c.isArray() || c.isEmpty() || !c.get(0).canConvertToInt() || c.get(0).asInt() < 1) {
                            throw new ConfigException(p.where() + ": SETR_Resize.crop_size: expected [height, width], got " + c);
                        }
                        crop = c.get(0).asInt();
                    }
                    resized = true;
                }
                case "Pad" -> throw new ConfigException(p.where() + ": Pad at test time is not supported");
                default -> {
                }
            }
        }
        if (!resized) {
            throw new ConfigException(p.where() + ": no Resize or SETR_Resize step");
        }
        TestPipelineConfig.Normalization n = p.normalization();
        return new SegmentationPreprocess(scale, crop, n.mean(), n.std(), n.toRgb());
    }

    /** The resized size {@code (w', h')} of an image of {@code w × h}. */
    public int[] resizedSize(int w, int h) {
        double lng = longEdge;
        double shrt = shortEdge;
        if (setr) {
            // SETR_Resize: the short edge to max(min(scale), crop), the target's long edge from the aspect ratio
            double newShort = Math.min(longEdge, shortEdge) < cropShort ? cropShort : shortEdge;
            double other = h > w ? newShort * h / w : newShort * w / h;
            lng = Math.max(newShort, other);
            shrt = Math.min(newShort, other);
        }
        // mmcv.rescale_size
        double s = Math.min(lng / Math.max(h, w), shrt / Math.min(h, w));
        return new int[] {Math.max(1, (int) (w * s + 0.5)), Math.max(1, (int) (h * s + 0.5))};
    }

    public Prepared apply(DetectionImages.Pixels image) {
        return apply(image.rgb(), image.width(), image.height());
    }

    /** Runs the pipeline on packed {@code 0xRRGGBB} row-major pixels. */
    public Prepared apply(int[] rgb, int w, int h) {
        if (w < 1 || h < 1 || rgb.length != (long) w * h) {
            throw new IllegalArgumentException(w + "x" + h + " image with " + rgb.length + " pixels");
        }
        int[] size = resizedSize(w, h);
        int nw = size[0];
        int nh = size[1];
        byte[] hwc = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            hwc[3 * i] = (byte) (rgb[i] >> 16);
            hwc[3 * i + 1] = (byte) (rgb[i] >> 8);
            hwc[3 * i + 2] = (byte) rgb[i];
        }
        byte[] resized = CvResize.linear(hwc, w, h, 3, nw, nh);
        int plane = nh * nw;
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int src = toRgb ? c : 2 - c; // the channel order the config's mean/std refer to
            float m = mean[c];
            double si = stdInv[c];
            for (int i = 0; i < plane; i++) {
                float v = resized[i * 3 + src] & 0xFF;
                chw[c * plane + i] = (float) ((double) (v - m) * si);
            }
        }
        float sx = (float) ((double) nw / w);
        float sy = (float) ((double) nh / h);
        return new Prepared(chw, new ImageMeta(h, w, nh, nw, nh, nw, new float[] {sx, sy, sx, sy}));
    }

    @Override
    public String toString() {
        return "SegmentationPreprocess[scale=(" + longEdge + ", " + shortEdge + ")" + (setr ? ", setr crop " + cropShort : "")
                + ", mean=" + Arrays.toString(mean) + ", to_rgb=" + toRgb + "]";
    }
}
