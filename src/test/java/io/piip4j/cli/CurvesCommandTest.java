package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code piip curves} on detector and segmentor runs: a metric per epoch beside the loss, one line per run. */
class CurvesCommandTest {
    @TempDir
    Path tmp;

    private Path run(String name, String epochs) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("history.json"), "{\"name\": \"" + name + "\", \"epochs\": " + epochs + "}");
        return dir;
    }

    @Test
    void detectorRunsAreComparedByBoxApByDefault() throws Exception {
        Path a = run("piip", "[{\"epoch\": 1, \"loss\": 1.3, \"bbox_AP\": 0.2}, {\"epoch\": 2, \"loss\": 0.9, \"bbox_AP\": 0.4}]");
        Path b = run("vit", "[{\"epoch\": 1, \"loss\": 1.2, \"bbox_AP\": 0.4}]");
        Path png = tmp.resolve("cmp.png");
        CliRun r = CliRun.of("curves", a.toString(), b.toString(), "--out", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null && img.getWidth() > img.getHeight(), "metric beside loss");
    }

    @Test
    void aMetricNoRunHasIsAUsageError() throws Exception {
        Path a = run("seg", "[{\"epoch\": 1, \"loss\": 0.5, \"mIoU\": 0.3}]");
        CliRun ok = CliRun.of("curves", a.toString(), "--out", tmp.resolve("m.png").toString());
        assertEquals(0, ok.exitCode(), ok.err());
        CliRun bad = CliRun.of("curves", a.toString(), "--metric", "bbox_AP", "--out", tmp.resolve("x.png").toString());
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("bbox_AP") && !Files.exists(tmp.resolve("x.png")), bad.err());
    }

    @Test
    void classifierAndDetectorRunsDoNotMix() throws Exception {
        Path a = run("cls", "[{\"epoch\": 1, \"train_loss\": 1, \"train_acc\": 0.5, \"test_loss\": 1, \"test_acc\": 0.5, \"lr\": 0.1,"
                + " \"seconds\": 1, \"images_per_s\": 1}]");
        Path b = run("det", "[{\"epoch\": 1, \"loss\": 1.2, \"bbox_AP\": 0.4}]");
        CliRun r = CliRun.of("curves", a.toString(), b.toString(), "--out", tmp.resolve("y.png").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("cannot share one picture"), r.err());
    }
}
