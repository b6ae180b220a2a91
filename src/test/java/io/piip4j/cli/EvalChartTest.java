package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.testing.Golden;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --chart}: the per-class values as a bar chart, written atomically, beside the usual output. */
class EvalChartTest {
    @TempDir
    Path tmp;

    private static BufferedImage png(Path p) throws Exception {
        assertTrue(Files.isRegularFile(p), p + " written");
        BufferedImage img = ImageIO.read(p.toFile());
        assertTrue(img != null && img.getWidth() >= 640 && img.getHeight() == 560, "a decodable chart");
        try (var s = Files.list(p.getParent())) {
            assertEquals(1, s.count(), "no temporary file left beside it");
        }
        return img;
    }

    @Test
    void cocoEvalDrawsApPerCategory() throws Exception {
        Path dir = Golden.file("metrics", "coco_basic");
        Path chart = tmp.resolve("ap.png");
        CliRun run = CliRun.of("coco-eval", "--ann", dir.resolve("instances.json").toString(), "--results",
                dir.resolve("results.json").toString(), "--chart", chart.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Average Precision"), run.out());
        png(chart);
        CliRun proposal = CliRun.of("coco-eval", "--ann", dir.resolve("instances.json").toString(), "--results",
                dir.resolve("results.json").toString(), "--proposal", "--chart", tmp.resolve("p.png").toString());
        assertEquals(2, proposal.exitCode(), "class-agnostic recall has no per-category AP to draw");
    }

    @Test
    void segEvalDrawsIouPerClass() throws Exception {
        Path dir = Golden.file("metrics", "seg_metrics_plain");
        Path chart = tmp.resolve("iou.png");
        CliRun run = CliRun.of("seg-eval", "--pred", dir.resolve("preds").toString(), "--labels", dir.resolve("labels").toString(),
                "--num-classes", "19", "--chart", chart.toString());
        assertEquals(0, run.exitCode(), run.err());
        png(chart);
    }
}
