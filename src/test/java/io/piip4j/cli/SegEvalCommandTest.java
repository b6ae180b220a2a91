package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code piip seg-eval}: golden numbers through the command line, and one-line errors for bad input. */
class SegEvalCommandTest {
    @TempDir
    Path tmp;

    private Path png(String dir, String name, int w, int h, int[] values) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(dir));
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, w, h, 0, values);
        Path f = d.resolve(name);
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    @Test
    void goldenAdeCaseAsJson() throws Exception {
        Path dir = Golden.file("metrics", "seg_metrics_ade");
        CliRun run = CliRun.of("seg-eval", "--pred", dir.resolve("preds").toString(), "--labels", dir.resolve("labels").toString(),
                "--num-classes", "150", "--reduce-zero-label", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode o = new ObjectMapper().readTree(run.out());
        JsonNode exp = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("eval_metrics");
        assertEquals(exp.get("mIoU").asDouble(), o.get("mIoU").asDouble(), 1e-12);
        assertEquals(exp.get("aAcc").asDouble(), o.get("aAcc").asDouble(), 1e-12);
        assertTrue(o.get("IoU").get(1).isNull());
    }

    @Test
    void perfectPredictionIsOneAndGreyValuesAreRaw() throws Exception {
        int[] v = {0, 1, 2, 3, 255, 200, 1, 2};
        png("p", "a.png", 4, 2, v);
        png("l", "a.png", 4, 2, v);
        // 200 is not a class of 4: an error, not a silent skip
        CliRun bad = CliRun.of("seg-eval", "--pred", tmp.resolve("p").toString(), "--labels", tmp.resolve("l").toString(),
                "--num-classes", "4");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.errorLine().contains("a.png: pixel (x=1, y=1) has label 200, outside the 4 classes"), bad.err());
        CliRun run = CliRun.of("seg-eval", "--pred", tmp.resolve("p").toString(), "--labels", tmp.resolve("l").toString(),
                "--num-classes", "201", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals(1.0, o.get("aAcc").asDouble());
        assertEquals(1.0, o.get("mIoU").asDouble());
        assertEquals(1.0, o.get("IoU").get(200).asDouble());
        assertTrue(o.get("IoU").get(100).isNull(), "a class absent from both is NaN");
    }

    @Test
    void sizeMismatchAndMissingPairs() throws Exception {
        png("p", "a.png", 4, 2, new int[8]);
        png("l", "a.png", 2, 4, new int[8]);
        CliRun run = CliRun.of("seg-eval", "--pred", tmp.resolve("p").toString(), "--labels", tmp.resolve("l").toString(),
                "--num-classes", "3");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("prediction is 2x4 but label"), run.err());
        png("l", "b.png", 4, 2, new int[8]);
        CliRun missing = CliRun.of("seg-eval", "--pred", tmp.resolve("p").toString(), "--labels", tmp.resolve("l").toString(),
                "--num-classes", "3");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.errorLine().contains("b.png: no prediction"), missing.err());
    }

    @Test
    void colourPngIsRejected() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("rgb"));
        ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), "png", d.resolve("a.png").toFile());
        CliRun run = CliRun.of("seg-eval", "--pred", d.toString(), "--labels", d.toString(), "--num-classes", "3");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("a.png: has 3 channels"), run.err());
    }

    @Test
    void usageError() {
        CliRun run = CliRun.of("seg-eval", "--pred", "x", "--labels", "y", "--num-classes", "0");
        assertEquals(2, run.exitCode());
    }
}
