package io.piip4j.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.image.ImageNetTransform;
import io.piip4j.image.ImageReadException;
import io.piip4j.testing.Golden;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNetTransformTest {

    /** (0 - max mean) / min std and (1 - min mean) / min std: generous bounds for any channel. */
    private static final float LOW = (0f - 0.485f) / 0.229f;
    private static final float HIGH = (1f - 0.406f) / 0.225f;

    @Test
    void defaults() {
        ImageNetTransform t = new ImageNetTransform();
        assertEquals(224, t.inputSize());
        assertEquals(0.875, t.cropPct());
        assertEquals(256, t.resizeSize());
        assertArrayEquals(new int[] {3, 224, 224}, t.outputShape());
        assertEquals(438, new ImageNetTransform(384, 0.875, ImageNetTransform.imagenetMean(),
                ImageNetTransform.imagenetStd()).resizeSize()); // int(438.857)
        assertEquals(512, new ImageNetTransform(448).resizeSize());
    }

    @Test
    void torchvisionResizeAndCropGeometry() {
        assertArrayEquals(new int[] {384, 256}, ImageNetTransform.resizedSize(570, 380, 256));
        assertArrayEquals(new int[] {256, 384}, ImageNetTransform.resizedSize(380, 570, 256));
        assertArrayEquals(new int[] {256, 256}, ImageNetTransform.resizedSize(100, 100, 256));
        assertArrayEquals(new int[] {383, 256}, ImageNetTransform.resizedSize(1000, 667, 256)); // int(383.8)
        // Crop offset int(round((49 - 32) / 2.0)) = round(8.5) = 8 (half to even), not 9.
        int[] row = new int[49];
        for (int i = 0; i < 49; i++) {
            row[i] = i;
        }
        int[] c = ImageNetTransform.centerCrop(row, 49, 1, 32, 1);
        assertEquals(8, c[0]);
        // round(9.5) = 10
        int[] row2 = new int[51];
        for (int i = 0; i < 51; i++) {
            row2[i] = i;
        }
        assertEquals(10, ImageNetTransform.centerCrop(row2, 51, 1, 32, 1)[0]);
        // Smaller than the crop: zero padding, left pad (4 - 1) // 2 = 1.
        int[] p = ImageNetTransform.centerCrop(new int[] {0xABCDEF}, 1, 1, 4, 3);
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0xABCDEF, 0, 0, 0, 0, 0, 0}, p);
    }

    /** Pillow + torchvision outputs (Resize BICUBIC, CenterCrop, ToTensor, Normalize), bit-exact. */
    @Test
    void matchesTorchvisionOnFixtures() {
        JsonNode cases = PilFixtures.root().get("transform");
        assertTrue(cases.size() >= 3);
        for (JsonNode c : cases) {
            int w = c.get("w").asInt();
            int h = c.get("h").asInt();
            int s = c.get("inputSize").asInt();
            ImageNetTransform t = new ImageNetTransform(s);
            int[] in = PilFixtures.pixels(c.get("input").asText());
            assertArrayEquals(PilFixtures.pixels(c.get("crop").asText()), t.resizeAndCrop(in, w, h),
                    w + "x" + h + " crop " + s);
            float[] expected = PilFixtures.floats(c.get("expected").asText());
            float[] actual = t.apply(in, w, h);
            assertEquals(3 * s * s, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                        w + "x" + h + " value " + i + ": " + expected[i] + " vs " + actual[i]);
            }
            // Same through a BufferedImage.
            assertArrayEquals(actual, t.apply(ImageNetTransform.toImage(in, w, h)));
        }
    }

    @Test
    void extremeIroningJpeg() throws Exception {
        // relative to the checkout like the golden files: skipped where absent, a failure under CI=true
        BufferedImage img = ImageNetTransform.read(Golden.shared("images", "extreme_ironing.jpg"));
        assertEquals(570, img.getWidth());
        assertEquals(380, img.getHeight());
        float[] x = new ImageNetTransform().apply(img);
        assertEquals(3 * 224 * 224, x.length);
        for (float v : x) {
            assertTrue(Float.isFinite(v) && v >= LOW - 1e-6f && v <= HIGH + 1e-6f, "value " + v);
        }
        // Reference: torchvision 0.26 + Pillow 12.3 on the same file, SHA-256 of the
        // big-endian float32 CHW output (ImageIO decodes this JPEG identically to PIL's libjpeg).
        ByteBuffer bb = ByteBuffer.allocate(4 * x.length);
        for (float v : x) {
            bb.putFloat(v);
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bb.array()));
        assertEquals(-0.5253019f, x[0]);
        assertEquals(1.0455183f, x[224 * 224 + 100 * 224 + 100]);
        assertEquals(-0.30553368f, x[3 * 224 * 224 - 1]);
        assertEquals("c5ec5b07759252fbf12625ece237ebfb43d6676ae795231d917f748bd37f2a7a", sha);
    }

    @Test
    void grayscalePngIsReplicatedWithoutGammaChange(@TempDir Path dir) throws Exception {
        BufferedImage g = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                g.getRaster().setSample(x, y, 0, (x * 6 + y) & 255);
            }
        }
        Path f = dir.resolve("gray.png");
        ImageIO.write(g, "png", f.toFile());
        BufferedImage back = ImageNetTransform.read(f);
        int[] rgb = ImageNetTransform.toRgb(back);
        assertEquals(100 * 0x010101, rgb[(100 - 16 * 6) * 40 + 16]); // (x=16, y=4): 96 + 4
        assertEquals(0, rgb[0]);
        assertEquals(((39 * 6 + 29) & 255) * 0x010101, rgb[rgb.length - 1]);
        float[] x = new ImageNetTransform(32).apply(back);
        assertEquals(3 * 32 * 32, x.length);
        // Grey: each channel is (v/255 - mean_c) / std_c of the same v.
        int plane = 32 * 32;
        for (int i = 0; i < plane; i++) {
            float v0 = x[i] * 0.229f + 0.485f;
            float v2 = x[2 * plane + i] * 0.225f + 0.406f;
            assertEquals(v0, v2, 1e-5f);
        }
    }

    @Test
    void sixteenBitGrayKeepsHighByte(@TempDir Path dir) throws Exception {
        BufferedImage g = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSample(3, 2, 0, 0xAB12);
        Path f = dir.resolve("gray16.png");
        ImageIO.write(g, "png", f.toFile());
        int[] rgb = ImageNetTransform.toRgb(ImageNetTransform.read(f));
        assertEquals(0xABABAB, rgb[2 * 8 + 3]);
        assertEquals(0, rgb[0]);
    }

    @Test
    void rgbaPngDropsAlpha(@TempDir Path dir) throws Exception {
        BufferedImage a = new BufferedImage(50, 20, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 50; x++) {
                int alpha = (x * 5) & 255; // includes fully transparent pixels
                a.setRGB(x, y, (alpha << 24) | (x * 5 << 16) | (y * 12 << 8) | 0x33);
            }
        }
        Path f = dir.resolve("rgba.png");
        ImageIO.write(a, "png", f.toFile());
        BufferedImage back = ImageNetTransform.read(f);
        assertTrue(back.getColorModel().hasAlpha());
        int[] rgb = ImageNetTransform.toRgb(back);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 50; x++) {
                assertEquals((x * 5 << 16) | (y * 12 << 8) | 0x33, rgb[y * 50 + x], "pixel " + x + "," + y);
            }
        }
        assertEquals(3 * 224 * 224, new ImageNetTransform().apply(back).length);
    }

    @Test
    void indexedImagesUsePalette(@TempDir Path dir) throws Exception {
        byte[] r = {0, (byte) 200, 10};
        byte[] g = {0, 20, (byte) 250};
        byte[] b = {0, 30, 5};
        BufferedImage p = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 3, r, g, b));
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                p.getRaster().setSample(x, y, 0, (x + y) % 3);
            }
        }
        // (Not BMP: the JDK's BMP writer mangles small palettes by writing them as 4-bit.)
        for (String fmt : new String[] {"png", "gif"}) {
            Path f = dir.resolve("indexed." + fmt);
            assertTrue(ImageIO.write(p, fmt, f.toFile()), fmt);
            int[] rgb = ImageNetTransform.toRgb(ImageNetTransform.read(f));
            assertEquals(0x000000, rgb[0], fmt);
            assertEquals(0xC8141E, rgb[1], fmt);
            assertEquals(0x0AFA05, rgb[2], fmt);
            assertEquals(3 * 24 * 24, new ImageNetTransform(24).apply(ImageNetTransform.read(f)).length);
        }
    }

    @Test
    void bmpIsRead(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(7, 3, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(6, 2, 0xFEDCBA);
        Path f = dir.resolve("img.bmp");
        assertTrue(ImageIO.write(img, "bmp", f.toFile()));
        int[] rgb = ImageNetTransform.toRgb(ImageNetTransform.read(f));
        assertEquals(0xFEDCBA, rgb[2 * 7 + 6]);
    }

    @Test
    void readFromBytes() throws Exception {
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(1, 2, 0x123456);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        BufferedImage back = ImageNetTransform.read(bos.toByteArray());
        assertEquals(0x123456, ImageNetTransform.toRgb(back)[2 * 5 + 1]);
    }

    @Test
    void missingFileNamesTheFile(@TempDir Path dir) {
        Path f = dir.resolve("no-such-picture.jpg");
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageNetTransform.read(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void unreadableFileNamesTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("notes.jpg");
        Files.writeString(f, "this is not an image\nat all\n");
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageNetTransform.read(f));
        assertEquals(f + ": not a readable image (JPEG, PNG, BMP, GIF)", e.getMessage());

        Path empty = dir.resolve("empty.png");
        Files.write(empty, new byte[0]);
        e = assertThrows(ImageReadException.class, () -> ImageNetTransform.read(empty));
        assertTrue(e.getMessage().startsWith(empty + ": "), e.getMessage());

        // A PNG signature followed by garbage: a reader is found but decoding fails.
        Path broken = dir.resolve("broken.png");
        byte[] data = new byte[64];
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        System.arraycopy(sig, 0, data, 0, sig.length);
        Files.write(broken, data);
        e = assertThrows(ImageReadException.class, () -> ImageNetTransform.read(broken));
        assertTrue(e.getMessage().startsWith(broken + ": not a readable image"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        e = assertThrows(ImageReadException.class, () -> ImageNetTransform.read(dir));
        assertTrue(e.getMessage().startsWith(dir.toString()), e.getMessage());

        e = assertThrows(ImageReadException.class, () -> ImageNetTransform.read(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().startsWith("<bytes>: "), e.getMessage());
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new ImageNetTransform(0));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageNetTransform(224, 0, new double[3], new double[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageNetTransform(224, 0.875, new double[3], new double[] {1, 0, 1}));
    }
}
