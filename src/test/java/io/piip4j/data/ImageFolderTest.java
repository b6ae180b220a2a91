package io.piip4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders: classes in sorted order, non-images ignored, and clear errors for bad layouts. */
class ImageFolderTest {
    @TempDir
    Path dir;

    private static void image(Path f, String fmt, int rgb) throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, fmt, f.toFile());
    }

    @Test
    void loadsClassesInSortedOrder() throws Exception {
        image(dir.resolve("b/one.png"), "png", 0xFFFFFF);
        image(dir.resolve("a/x.jpg"), "jpg", 0x000000);
        image(dir.resolve("a/y.PNG"), "png", 0x000000);
        Files.writeString(dir.resolve("a/notes.txt"), "ignored");
        ImageSet s = ImageFolder.load(dir, 1, 28);
        assertEquals(List.of("a", "b"), s.classes());
        assertEquals(3, s.size());
        assertEquals(28, s.height());
        assertEquals(1, s.labels()[2]);
        assertEquals(255, s.pixels()[2 * 784 + 400] & 0xFF);
        ImageSet rgb = ImageFolder.load(dir, 3, 16);
        assertEquals(3 * 16 * 16, rgb.imageBytes());
    }

    private String error(Path root) {
        DataException e = assertThrows(DataException.class, () -> ImageFolder.load(root, 1, 28));
        assertTrue(!e.getMessage().contains("\n"));
        return e.getMessage();
    }

    @Test
    void badFolders() throws Exception {
        assertTrue(error(dir.resolve("absent")).endsWith("no such folder"));
        Files.writeString(dir.resolve("file"), "x");
        assertTrue(error(dir.resolve("file")).contains("is a file"));
        Files.createDirectories(dir.resolve("empty"));
        assertTrue(error(dir.resolve("empty")).contains("no class folders"));
        Files.createDirectories(dir.resolve("noimg/cat"));
        Files.writeString(dir.resolve("noimg/cat/readme.md"), "x");
        String m = error(dir.resolve("noimg"));
        assertTrue(m.contains("cat") && m.contains("holds no JPEG or PNG images"), m);
        image(dir.resolve("corrupt/dog/ok.png"), "png", 0);
        Files.write(dir.resolve("corrupt/dog/broken.png"), new byte[] {1, 2, 3, 4});
        m = error(dir.resolve("corrupt"));
        assertTrue(m.contains("broken.png"), m);
    }
}
