package io.piip4j.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The PIIP / DeiT / timm classification evaluation transform, reproducing torchvision on PIL
 * images:
 *
 * <pre>
 * Resize(int(inputSize / cropPct), interpolation=BICUBIC)   # shorter side, Pillow resampling
 * CenterCrop(inputSize)
 * ToTensor()                                                # RGB, / 255
 * Normalize(mean, std)
 * </pre>
 *
 * <p>The output is a CHW float32 array of length {@code 3 * inputSize * inputSize}. The
 * resize uses {@link PilResize} (bit-exact with Pillow), the crop uses torchvision's rounding
 * ({@code int(round((h - crop) / 2.0))}, Python's round-half-to-even) and zero padding when the
 * image is smaller than the crop, and ToTensor/Normalize are evaluated in float32 like torch.
 * Instances are immutable and thread-safe.
 */
public final class ImageNetTransform {

    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    public static final int DEFAULT_INPUT_SIZE = 224;
    public static final double DEFAULT_CROP_PCT = 0.875;

    private static final String READABLE = "not a readable image (JPEG, PNG, BMP, GIF)";

    private final int inputSize;
    private final double cropPct;
    private final float[] mean;
    private final float[] std;

    /** 224 crop, crop_pct 0.875 (resize to 256), ImageNet mean/std. */
    public ImageNetTransform() {
        this(DEFAULT_INPUT_SIZE);
    }

    /** {@code inputSize} crop, crop_pct 0.875, ImageNet mean/std. */
    public ImageNetTransform(int inputSize) {
        this(inputSize, DEFAULT_CROP_PCT, IMAGENET_MEAN, IMAGENET_STD);
    }

    public ImageNetTransform(int inputSize, double cropPct, double[] mean, double[] std) {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be positive: " + inputSize);
        }
        if (!(cropPct > 0) || Double.isInfinite(cropPct)) {
            throw new IllegalArgumentException("cropPct must be positive: " + cropPct);
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        this.inputSize = inputSize;
        this.cropPct = cropPct;
        this.mean = new float[3];
        this.std = new float[3];
        for (int c = 0; c < 3; c++) {
            if (!(std[c] != 0) || Double.isNaN(std[c])) {
                throw new IllegalArgumentException("std must be non-zero: " + Arrays.toString(std));
            }
            // torchvision's Normalize casts mean/std to the tensor dtype (float32).
            this.mean[c] = (float) mean[c];
            this.std[c] = (float) std[c];
        }
        if (resizeSize() <= 0) {
            throw new IllegalArgumentException(
                    "int(inputSize / cropPct) must be positive: " + inputSize + " / " + cropPct);
        }
    }

    /** ImageNet channel means (timm IMAGENET_DEFAULT_MEAN), a fresh copy. */
    public static double[] imagenetMean() {
        return IMAGENET_MEAN.clone();
    }

    /** ImageNet channel standard deviations (timm IMAGENET_DEFAULT_STD), a fresh copy. */
    public static double[] imagenetStd() {
        return IMAGENET_STD.clone();
    }

    public int inputSize() {
        return inputSize;
    }

    public double cropPct() {
        return cropPct;
    }

    public double[] mean() {
        return new double[] {mean[0], mean[1], mean[2]};
    }

    public double[] std() {
        return new double[] {std[0], std[1], std[2]};
    }

    /** Target of the shorter side before cropping: {@code int(inputSize / cropPct)}. */
    public int resizeSize() {
        return (int) Math.floor(inputSize / cropPct);
    }

    /** Shape of {@link #apply} results: {@code [3, inputSize, inputSize]}. */
    public int[] outputShape() {
        return new int[] {3, inputSize, inputSize};
    }

    // ------------------------------------------------------------------------------------------
    // The transform

    /** Reads {@code file} and applies the transform. */
    public float[] apply(Path file) {
        return apply(read(file));
    }

    /** Converts {@code img} to RGB ({@link #toRgb}) and applies the transform (CHW float32). */
    public float[] apply(BufferedImage img) {
        return apply(toRgb(img), img.getWidth(), img.getHeight());
    }

    /** Applies the transform to packed {@code 0xRRGGBB} row-major pixels. */
    public float[] apply(int[] rgb, int w, int h) {
        return normalize(resizeAndCrop(rgb, w, h));
    }

    /**
     * Resize + center crop only: the {@code inputSize x inputSize} packed RGB image that
     * torchvision's ToTensor would see.
     */
    public int[] resizeAndCrop(int[] rgb, int w, int h) {
        int[] size = resizedSize(w, h, resizeSize());
        int rw = size[0];
        int rh = size[1];
        int[] resized = (rw == w && rh == h)
                ? rgb.clone()
                : PilResize.resizeRgb(rgb, w, h, rw, rh, PilResize.Filter.BICUBIC);
        return centerCrop(resized, rw, rh, inputSize, inputSize);
    }

    /** ToTensor + Normalize of an {@code inputSize x inputSize} packed RGB image, CHW. */
    public float[] normalize(int[] crop) {
        int plane = inputSize * inputSize;
        if (crop.length != plane) {
            throw new IllegalArgumentException(
                    "expected " + plane + " pixels, got " + crop.length);
        }
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = crop[i];
            for (int c = 0; c < 3; c++) {
                float v = ((p >>> (16 - 8 * c)) & 0xFF) / 255f; // ToTensor: float32 div
                out[c * plane + i] = (v - mean[c]) / std[c];   // Normalize: sub_ then div_
            }
        }
        return out;
    }

    /**
     * torchvision's {@code Resize(size)} output size ({@code [w, h]}) for an int size: the
     * shorter side becomes {@code size}, the longer {@code int(size * long / short)}.
     */
    public static int[] resizedSize(int w, int h, int size) {
        if (w <= h) {
            return new int[] {size, (int) ((double) ((long) size * h) / w)};
        }
        return new int[] {(int) ((double) ((long) size * w) / h), size};
    }

    /**
     * torchvision's {@code center_crop}: zero-pads when the image is smaller than the crop
     * (left/top get {@code (crop - size) // 2}), then crops at
     * {@code int(round((size - crop) / 2.0))} with round-half-to-even.
     */
    public static int[] centerCrop(int[] rgb, int w, int h, int cropW, int cropH) {
        int padLeft = 0;
        int padTop = 0;
        int pw = w;
        int ph = h;
        if (cropW > w || cropH > h) {
            padLeft = cropW > w ? (cropW - w) / 2 : 0;
            padTop = cropH > h ? (cropH - h) / 2 : 0;
            int padRight = cropW > w ? (cropW - w + 1) / 2 : 0;
            int padBottom = cropH > h ? (cropH - h + 1) / 2 : 0;
            pw = w + padLeft + padRight;
            ph = h + padTop + padBottom;
        }
        int top = (int) Math.rint((ph - cropH) / 2.0);
        int left = (int) Math.rint((pw - cropW) / 2.0);
        int[] out = new int[cropW * cropH]; // zeros = padding fill 0
        for (int y = 0; y < cropH; y++) {
            int sy = y + top - padTop;
            if (sy < 0 || sy >= h) {
                continue;
            }
            for (int x = 0; x < cropW; x++) {
                int sx = x + left - padLeft;
                if (sx >= 0 && sx < w) {
                    out[y * cropW + x] = rgb[sy * w + sx] & 0xFFFFFF;
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Colour conversion

    /**
     * The pixels of {@code img} as packed {@code 0xRRGGBB}, like PIL's {@code convert("RGB")} on
     * the decoded file: sample values are taken as stored (no colour management, no gamma
     * conversion of grey images), grey is replicated to R=G=B, alpha is dropped (not composited),
     * palette images are looked up. Samples deeper than 8 bits keep their top 8 bits (PIL does
     * this for 16-bit RGB PNGs; for 16-bit grey PIL's "I;16" to RGB conversion clips instead).
     * Other colour spaces (e.g. CMYK rasters) go through Java's conversion to sRGB.
     */
    public static int[] toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int[] out = new int[w * h];
        int type = cm.getColorSpace().getType();
        int nc = cm.getNumColorComponents();
        boolean raw = !(cm instanceof IndexColorModel)
                && !cm.isAlphaPremultiplied()
                && ((type == ColorSpace.TYPE_GRAY && nc == 1) || (type == ColorSpace.TYPE_RGB && nc == 3))
                && raster.getNumBands() >= nc
                && raster.getMinX() == 0 && raster.getMinY() == 0;
        if (raw) {
            int[] buf = new int[w];
            for (int c = 0; c < nc; c++) {
                int bits = cm.getComponentSize(c);
                if (bits <= 0 || bits > 16) {
                    raw = false;
                    break;
                }
            }
            if (raw) {
                for (int c = 0; c < nc; c++) {
                    int bits = cm.getComponentSize(c);
                    for (int y = 0; y < h; y++) {
                        raster.getSamples(0, y, w, 1, c, buf);
                        int row = y * w;
                        for (int x = 0; x < w; x++) {
                            int v = to8bit(buf[x], bits);
                            if (nc == 1) {
                                out[row + x] = v * 0x010101;
                            } else {
                                out[row + x] |= v << (16 - 8 * c);
                            }
                        }
                    }
                }
                return out;
            }
        }
        img.getRGB(0, 0, w, h, out, 0, w);
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xFFFFFF;
        }
        return out;
    }

    private static int to8bit(int v, int bits) {
        if (bits == 8) {
            return v & 0xFF;
        }
        if (bits > 8) {
            return (v >>> (bits - 8)) & 0xFF;
        }
        int max = (1 << bits) - 1;
        return (int) Math.round(v * 255.0 / max);
    }

    /** Wraps packed {@code 0xRRGGBB} pixels in a {@code TYPE_INT_RGB} image. */
    public static BufferedImage toImage(int[] rgb, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    /**
     * Decodes an image file with ImageIO (JPEG, PNG, BMP, GIF; the first frame of animations).
     *
     * @throws ImageReadException (one line, starting with the file name) if the file is missing
     *     or cannot be decoded
     */
    public static BufferedImage read(Path file) {
        return read(ImageFiles.bytes(file), file.toString());
    }

    /** Decodes in-memory image bytes; errors are reported as {@code "<bytes>: ..."}. */
    public static BufferedImage read(byte[] data) {
        return read(data, "<bytes>");
    }

    /** Decodes in-memory image bytes; {@code name} is used in error messages. */
    public static BufferedImage read(byte[] data, String name) {
        if (data == null || data.length == 0) {
            throw new ImageReadException(name + ": empty file, " + READABLE);
        }
        ImageFiles.checkComplete(data, name);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageReadException(name + ": " + READABLE);
            }
            ImageReader reader = readers.next();
            String format = "";
            try {
                format = reader.getFormatName().toLowerCase(Locale.ROOT);
                reader.setInput(in, true, true);
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new ImageReadException(name + ": " + READABLE);
                }
                return img;
            } catch (IIOException e) {
                String msg = String.valueOf(e.getMessage());
                if (format.contains("jp") && msg.contains("Unsupported Image Type")) {
                    throw new ImageReadException(name + ": JPEG in CMYK/YCCK colour is not supported by"
                            + " Java ImageIO; convert it to RGB first (e.g. `magick in.jpg -colorspace sRGB"
                            + " out.jpg`)", e);
                }
                throw new ImageReadException(name + ": " + READABLE + " (" + oneLine(e) + ")", e);
            } catch (IOException | RuntimeException e) {
                if (e instanceof ImageReadException ire) {
                    throw ire;
                }
                throw new ImageReadException(name + ": " + READABLE + " (" + oneLine(e) + ")", e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageReadException(name + ": " + READABLE + " (" + oneLine(e) + ")", e);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replaceAll("\\s+", " ").trim();
    }

    @Override
    public String toString() {
        return "ImageNetTransform[inputSize=" + inputSize + ", cropPct=" + cropPct
                + ", resize=" + resizeSize() + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) + "]";
    }
}
