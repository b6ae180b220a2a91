package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.image.ImageReadException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/** Reading images as mmdetection's LoadImageFromFile (cv2.imdecode, IMREAD_COLOR) sees them. */
class DetectionImagesTest {
    private static byte[] resource(String name) throws Exception {
        try (InputStream in = DetectionImagesTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void appliesExifOrientationAsOpenCv() throws Exception {
        // exif6.jpg: a 48×32 JPEG tagged orientation 6 (rotate 90° clockwise); cv2.imread gives 32×48
        DetectionImages.Pixels p = DetectionImages.read(resource("exif6.jpg"), "exif6.jpg");
        JsonNode ref = new ObjectMapper().readTree(resource("cv2_imread.json")).get("exif6");
        assertEquals(ref.get("w").asInt(), p.width());
        assertEquals(ref.get("h").asInt(), p.height());
        byte[] rgb = Base64.getDecoder().decode(ref.get("rgb").asText());
        double diff = 0;
        for (int i = 0; i < p.rgb().length; i++) {
            for (int c = 0; c < 3; c++) {
                diff += Math.abs(((p.rgb()[i] >> (16 - 8 * c)) & 0xFF) - (rgb[3 * i + c] & 0xFF));
            }
        }
        // JPEG decoders (Java's libjpeg 6b, OpenCV's libjpeg-turbo) may differ by a grey level here and there
        assertTrue(diff / rgb.length < 1.5, "mean abs difference to cv2.imread " + diff / rgb.length);
    }

    @Test
    void orientationsMapPixelsAsOpenCv() {
        // 3×2 image 0 1 2 / 3 4 5
        DetectionImages.Pixels p = new DetectionImages.Pixels(new int[] {0, 1, 2, 3, 4, 5}, 3, 2);
        assertArrayEquals(new int[] {2, 1, 0, 5, 4, 3}, DetectionImages.orient(p, 2).rgb());
        assertArrayEquals(new int[] {5, 4, 3, 2, 1, 0}, DetectionImages.orient(p, 3).rgb());
        assertArrayEquals(new int[] {3, 4, 5, 0, 1, 2}, DetectionImages.orient(p, 4).rgb());
        assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, DetectionImages.orient(p, 5).rgb()); // transpose
        assertArrayEquals(new int[] {3, 0, 4, 1, 5, 2}, DetectionImages.orient(p, 6).rgb()); // 90° clockwise
        assertArrayEquals(new int[] {5, 2, 4, 1, 3, 0}, DetectionImages.orient(p, 7).rgb());
        assertArrayEquals(new int[] {2, 5, 1, 4, 0, 3}, DetectionImages.orient(p, 8).rgb()); // 90° counter-clockwise
        assertEquals(2, DetectionImages.orient(p, 6).width());
    }

    @Test
    void truncatedAndEmptyFilesAreOneLineErrors() throws Exception {
        byte[] jpeg = resource("exif6.jpg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        ImageReadException e = assertThrows(ImageReadException.class, () -> DetectionImages.read(cut, "cut.jpg"));
        assertTrue(e.getMessage().startsWith("cut.jpg: truncated JPEG"), e.getMessage());
        e = assertThrows(ImageReadException.class, () -> DetectionImages.read(new byte[0], "empty.png"));
        assertTrue(e.getMessage().startsWith("empty.png: empty file"), e.getMessage());
        e = assertThrows(ImageReadException.class, () -> DetectionImages.read("not an image".getBytes(), "x.png"));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void decodesCmykJpegAsOpenCvConverts() throws Exception {
        // a 4-channel JPEG as Java writes one (ImageIO itself refuses to decode it): it decodes, to an even grey.
        // Not compared with OpenCV on a real CMYK file (none here); the conversion is OpenCV's formula.
        WritableRaster r = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, new int[] {255, 255, 255, 128});
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            w.setOutput(out);
            w.write(null, new IIOImage(r, null, null), null);
        } finally {
            w.dispose();
        }
        DetectionImages.Pixels p = DetectionImages.read(bytes.toByteArray(), "cmyk.jpg");
        assertEquals(16, p.width());
        assertEquals(8, p.height());
        int v = p.rgb()[0];
        assertEquals(v & 0xFF, (v >> 8) & 0xFF, 1);
        assertEquals(v & 0xFF, (v >> 16) & 0xFF, 1);
        assertTrue(Arrays.stream(p.rgb()).allMatch(q -> Math.abs((q & 0xFF) - (v & 0xFF)) <= 2));
    }

    @Test
    void greyAlphaAnd16BitPngsBecomeRgb() throws Exception {
        BufferedImage grey = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setSample(1, 1, 0, 0xABCD);
        DetectionImages.Pixels g = DetectionImages.read(png(grey), "g16.png");
        assertEquals(0xABABAB, g.rgb()[5]); // top 8 bits, replicated
        BufferedImage rgba = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(2, 0, 0x00123456); // fully transparent: alpha dropped, colour kept
        assertEquals(0x123456, DetectionImages.read(png(rgba), "a.png").rgb()[2]);
    }

    static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
