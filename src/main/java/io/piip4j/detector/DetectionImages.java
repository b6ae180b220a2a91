package io.piip4j.detector;

import io.piip4j.image.ImageFiles;
import io.piip4j.image.ImageNetTransform;
import io.piip4j.image.ImageReadException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads an image file the way mmdetection's {@code LoadImageFromFile} sees it ({@code cv2.imdecode}
 * with {@code IMREAD_COLOR}), as packed {@code 0xRRGGBB} pixels: any JPEG, PNG, BMP or GIF; grey is
 * replicated to three channels, alpha is dropped (not composited), 16-bit samples keep their top 8
 * bits (libpng's {@code strip_16}), palettes are looked up, CMYK / YCCK JPEGs are converted as
 * OpenCV does ({@code R = K - (255 - C)·K / 256}, on libjpeg's Adobe-inverted values), and a JPEG's
 * EXIF orientation is applied (OpenCV does so unless {@code IMREAD_IGNORE_ORIENTATION}). Unlike
 * OpenCV, a JPEG cut short (no end-of-image marker after its last scan) is an error, not a picture
 * with a grey bottom. Every failure is an {@link ImageReadException} of one line starting with the
 * file name.
 */
public final class DetectionImages {
    /** Pixels, row-major {@code 0xRRGGBB}, after EXIF orientation. */
    public record Pixels(int[] rgb, int width, int height) {
        public BufferedImage toImage() {
            return ImageNetTransform.toImage(rgb, width, height);
        }
    }

    private DetectionImages() {
    }

    public static Pixels read(Path file) {
        return read(ImageFiles.bytes(file), file.toString());
    }

    /** Decodes encoded bytes; {@code name} starts every error message. */
    public static Pixels read(byte[] data, String name) {
        if (data.length == 0) {
            throw new ImageReadException(name + ": empty file, not a readable image (JPEG, PNG, BMP, GIF)");
        }
        boolean jpeg = ImageFiles.isJpeg(data);
        ImageFiles.checkComplete(data, name);
        int[] rgb;
        int w;
        int h;
        try {
            BufferedImage img = ImageNetTransform.read(data, name);
            rgb = ImageNetTransform.toRgb(img);
            w = img.getWidth();
            h = img.getHeight();
        } catch (ImageReadException e) {
            if (!jpeg || !e.getMessage().contains("CMYK")) {
                throw e;
            }
            Raster r = cmykRaster(data, name);
            w = r.getWidth();
            h = r.getHeight();
            rgb = cmykToRgb(r);
        }
        Pixels p = new Pixels(rgb, w, h);
        return jpeg ? orient(p, Exif.orientation(data)) : p;
    }

    private static Raster cmykRaster(byte[] data, String name) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageReadException(name + ": not a readable image (JPEG, PNG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                Raster r = reader.readRaster(0, null);
                if (r.getNumBands() != 4) {
                    throw new ImageReadException(name + ": JPEG with " + r.getNumBands() + " colour channels is not supported");
                }
                return r;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageReadException ire) {
                throw ire;
            }
            throw new ImageReadException(name + ": not a readable CMYK JPEG (" + e.getMessage() + ")", e);
        }
    }

    /** OpenCV's {@code icvCvt_CMYK2BGR_8u_C4C3R} on libjpeg's (Adobe-inverted) CMYK samples. */
    private static int[] cmykToRgb(Raster r) {
        int w = r.getWidth();
        int h = r.getHeight();
        int[] out = new int[w * h];
        int[] px = new int[4 * w];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int k = px[4 * x + 3] & 0xFF;
                int c = k - ((255 - (px[4 * x] & 0xFF)) * k >> 8);
                int m = k - ((255 - (px[4 * x + 1] & 0xFF)) * k >> 8);
                int yy = k - ((255 - (px[4 * x + 2] & 0xFF)) * k >> 8);
                out[y * w + x] = (c << 16) | (m << 8) | yy;
            }
        }
        return out;
    }

    /** Applies an EXIF orientation (1–8) as OpenCV's {@code ExifTransform} does. */
    static Pixels orient(Pixels p, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return p;
        }
        int w = p.width();
        int h = p.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] in = p.rgb();
        int[] out = new int[in.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = ow - 1 - x; }
                    case 7 -> { sx = oh - 1 - y; sy = ow - 1 - x; }
                    default -> { sx = oh - 1 - y; sy = x; }
                }
                out[y * ow + x] = in[sy * w + sx];
            }
        }
        return new Pixels(out, ow, oh);
    }

    /** The orientation tag (0x0112) of a JPEG's EXIF block, 1 where there is none or it cannot be read. */
    static final class Exif {
        private Exif() {
        }

        static int orientation(byte[] d) {
            int i = 2;
            while (i + 4 <= d.length && (d[i] & 0xFF) == 0xFF) {
                int marker = d[i + 1] & 0xFF;
                if (marker == 0xDA || marker == 0xD9) {
                    break;
                }
                int len = ((d[i + 2] & 0xFF) << 8) | (d[i + 3] & 0xFF);
                if (marker == 0xE1 && len >= 8 && i + 2 + len <= d.length && d[i + 4] == 'E' && d[i + 5] == 'x'
                        && d[i + 6] == 'i' && d[i + 7] == 'f' && d[i + 8] == 0 && d[i + 9] == 0) {
                    int o = tiffOrientation(d, i + 10, i + 2 + len);
                    if (o > 0) {
                        return o;
                    }
                }
                i += 2 + len;
            }
            return 1;
        }

        private static int tiffOrientation(byte[] d, int start, int end) {
            if (end - start < 8) {
                return 0;
            }
            boolean le = d[start] == 'I' && d[start + 1] == 'I';
            if (!le && !(d[start] == 'M' && d[start + 1] == 'M')) {
                return 0;
            }
            long ifd = u32(d, start + 4, le);
            int p = (int) (start + ifd);
            if (ifd < 8 || p + 2 > end) {
                return 0;
            }
            int n = u16(d, p, le);
            for (int k = 0; k < n; k++) {
                int e = p + 2 + 12 * k;
                if (e + 12 > end) {
                    return 0;
                }
                if (u16(d, e, le) == 0x0112) {
                    int v = u16(d, e + 8, le);
                    return v >= 1 && v <= 8 ? v : 0;
                }
            }
            return 0;
        }

        private static int u16(byte[] d, int p, boolean le) {
            return le ? (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 : (d[p] & 0xFF) << 8 | (d[p + 1] & 0xFF);
        }

        private static long u32(byte[] d, int p, boolean le) {
            return le ? (u16(d, p, true) | (long) u16(d, p + 2, true) << 16) : ((long) u16(d, p, false) << 16 | u16(d, p + 2, false));
        }
    }
}
