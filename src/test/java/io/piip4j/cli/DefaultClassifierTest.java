package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's first command: {@code piip classify examples/fashion-mnist-ankle-boot.png} with the
 * built-in Fashion-MNIST PIIP prints exactly the output README.md and docs/training.md show (read
 * from them, so they cannot drift apart); the same picture as an RGB photo-like image (dark boot on
 * white, larger) is classified the same way through auto-inversion and resizing.
 */
class DefaultClassifierTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"README.md", "docs/training.md"})
    void shippedExamplePrintsWhatTheDocumentsShow(String doc) throws Exception {
        CliRun r = CliRun.of("classify", "examples/fashion-mnist-ankle-boot.png");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(exampleOutput(Files.readString(Path.of(doc))), r.out().strip(), doc);
    }

    /** The document's code block that shows the first command's output (it starts with the image's path). */
    private static String exampleOutput(String doc) {
        Matcher m = Pattern.compile("```\n(examples/fashion-mnist-ankle-boot\\.png\n.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "no example output block");
        return m.group(1).strip();
    }

    @Test
    void invertedColourPhotoOfAnyTypeAndSize() throws Exception {
        BufferedImage src = ImageIO.read(Path.of("examples/fashion-mnist-ankle-boot.png").toFile());
        BufferedImage big = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 112; y++) {
            for (int x = 0; x < 112; x++) {
                int v = 255 - (src.getRaster().getSample(x / 4, y / 4, 0));
                big.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        Path f = dir.resolve("boot-on-white.jpg");
        ImageIO.write(big, "jpg", f.toFile());
        CliRun r = CliRun.of("classify", "--json", "--top", "1", f.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"label\" : \"Ankle boot\""), r.out());
    }

    @Test
    void bfloat16AppliesToTheBuiltInModel() {
        CliRun fp32 = CliRun.of("classify", "--json", "--top", "3", "examples/fashion-mnist-ankle-boot.png");
        CliRun bf16 = CliRun.of("classify", "--json", "--top", "3", "--dtype", "bf16", "examples/fashion-mnist-ankle-boot.png");
        assertEquals(0, bf16.exitCode(), bf16.err());
        assertTrue(bf16.out().contains("\"label\" : \"Ankle boot\""), bf16.out());
        assertTrue(!fp32.out().equals(bf16.out()), "bf16 products change the probabilities: " + bf16.out());
        CliRun gpu = CliRun.of("classify", "--device", "cuda", "examples/fashion-mnist-ankle-boot.png");
        assertEquals(1, gpu.exitCode());
        assertTrue(gpu.errorLine().contains("runs on the CPU"), gpu.err());
    }

    @Test
    void halfAModelIsAUsageError() {
        CliRun r = CliRun.of("classify", "--weights", "x.pth", "examples/fashion-mnist-ankle-boot.png");
        assertEquals(1, r.exitCode());
        assertTrue(r.errorLine().contains("give both --config and --weights"), r.err());
    }
}
