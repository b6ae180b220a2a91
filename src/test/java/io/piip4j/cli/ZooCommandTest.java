package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.zoo.Zoo;
import io.piip4j.zoo.ZooModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code piip zoo}: the table, its JSON, the plot; bad options fail with one line. */
class ZooCommandTest {
    @TempDir
    Path tmp;

    @Test
    void tableListsEveryModelWithPublishedAndOurFigures() {
        CliRun run = CliRun.of("zoo");
        assertEquals(0, run.exitCode(), run.err());
        for (ZooModel z : Zoo.all()) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(z.name() + " ")), z.name());
        }
        String tsb = run.out().lines().filter(l -> l.startsWith("piip-tsb-maskrcnn-1120-896-448 ")).findFirst().orElseThrow();
        assertTrue(tsb.contains("146/146.4 +0.3%") && tsb.contains("243/243.1 +0.1%") && tsb.contains("authors-cls"), tsb);
    }

    @Test
    void jsonHasEveryModelAndConvention() throws Exception {
        CliRun run = CliRun.of("zoo", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode arr = new ObjectMapper().readTree(run.out());
        assertEquals(Zoo.all().size(), arr.size());
        for (JsonNode m : arr) {
            assertTrue(m.path("conventions").path("true").path("flops").asLong() > 0, m.path("name").asText());
            JsonNode p = m.path("published");
            if (p.has("flops_g")) {
                assertTrue(Math.abs(p.get("flops_deviation").asDouble()) < 0.01, m.path("name").asText());
            }
        }
    }

    @Test
    void plotWritesOnePngAtomically() throws Exception {
        Path png = tmp.resolve("zoo.png");
        CliRun run = CliRun.of("zoo", "--plot", png.toString(), "--task", "detection");
        assertEquals(0, run.exitCode(), run.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() >= 800 && img.getHeight() >= 500, img.getWidth() + "x" + img.getHeight());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left beside the PNG");
        }
        CliRun all = CliRun.of("zoo", "--plot", png.toString());
        assertEquals(0, all.exitCode(), all.err());
        assertEquals(3 * img.getHeight(), ImageIO.read(png.toFile()).getHeight(), "one chart per task");
    }

    @Test
    void badOptionsFailWithOneLine() {
        CliRun task = CliRun.of("zoo", "--task", "pose");
        assertEquals(2, task.exitCode());
        assertTrue(task.errorLine().contains("unknown task 'pose'"), task.err());
        CliRun plot = CliRun.of("zoo", "--plot", tmp.resolve("zoo.jpg").toString());
        assertEquals(2, plot.exitCode());
        assertTrue(plot.errorLine().contains(".png"), plot.err());
    }
}
