package io.piip4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.testing.Golden;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Truncated files are refused before decoding, for every reader (the classifier's as the detector's). */
class ImageFilesTest {
    private static byte[] jpeg() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 90);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void aJpegCutShortIsTruncatedAndAWholeOneIsNot() throws Exception {
        byte[] whole = jpeg();
        assertTrue(ImageFiles.hasEndAfterLastScan(whole));
        byte[] trailing = Arrays.copyOf(whole, whole.length + 7); // zeros after the end marker, as some cameras write
        assertTrue(ImageFiles.hasEndAfterLastScan(trailing));
        for (int cut : new int[] {whole.length - 2, whole.length / 2, 200}) {
            assertFalse(ImageFiles.hasEndAfterLastScan(Arrays.copyOf(whole, cut)), "cut at " + cut);
        }
        assertEquals(64, ImageNetTransform.read(whole, "whole.jpg").getWidth());
    }

    @Test
    void theClassifiersReaderRefusesATruncatedPhoto() throws Exception {
        byte[] photo = Files.readAllBytes(Golden.shared("images", "extreme_ironing.jpg"));
        byte[] cut = Arrays.copyOf(photo, 20_000); // the case: a JPEG cut after 20 KB decoded without a word
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageNetTransform.read(cut, "cut.jpg"));
        assertEquals("cut.jpg: truncated JPEG (the data ends before the end-of-image marker)", e.getMessage());
        assertTrue(ImageNetTransform.read(photo, "photo.jpg").getWidth() > 0);
    }
}
