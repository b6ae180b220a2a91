package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.predict.Labels;
import io.piip4j.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code piip classify} on real photographs (JPEG and PNG), as text and JSON, and its errors. */
class ClassifyCommandTest {
    @TempDir
    Path tmp;

    private static Path photo() {
        return Golden.require().resolveSibling("images").resolve("extreme_ironing.jpg");
    }

    private static String[] model() {
        Path dir = Golden.require().resolve("cls2_deit_sephead");
        return new String[] {"--config", dir.resolve("case.json").toString(), "--weights", dir.resolve("weights.pth").toString()};
    }

    @Test
    void jpegAndPngGiveTheSameTop5AsJson() throws Exception {
        Path png = tmp.resolve("ironing.png");
        ImageIO.write(ImageIO.read(photo().toFile()), "png", png.toFile());
        String[] m = model();
        CliRun run = CliRun.of("classify", m[0], m[1], m[2], m[3], "--json", photo().toString(), png.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode results = new ObjectMapper().readTree(run.out());
        assertEquals(2, results.size());
        for (JsonNode r : results) {
            JsonNode top = r.get("top");
            assertEquals(5, top.size());
            for (int i = 0; i < 5; i++) {
                JsonNode c = top.get(i);
                assertEquals(Labels.imagenet1k().get(c.get("index").asInt()), c.get("label").asText());
                if (i > 0) {
                    assertTrue(top.get(i - 1).get("probability").asDouble() >= c.get("probability").asDouble());
                }
            }
        }
        // lossless PNG of the decoded JPEG: the same pixels, so the same answer
        assertEquals(results.get(0).get("top"), results.get(1).get("top"));
    }

    @Test
    void textOutputListsPercentages() {
        String[] m = model();
        CliRun run = CliRun.of("classify", m[0], m[1], m[2], m[3], "--top", "3", photo().toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(4, run.out().strip().lines().count(), run.out());
        assertTrue(run.out().contains("%"), run.out());
    }

    @Test
    void anUnreadableImageIsReportedAndTheOthersAreClassified() throws Exception {
        Path fake = tmp.resolve("notes.jpg");
        Files.writeString(fake, "this is not an image");
        String[] m = model();
        CliRun run = CliRun.of("classify", m[0], m[1], m[2], m[3], photo().toString(), fake.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.out().startsWith(photo().toString()) && run.out().contains("%"), "the good photo is classified: " + run.out());
        assertEquals(List.of("piip: " + fake + ": not a readable image (JPEG, PNG, BMP, GIF)", "piip: 1 of 2 images could not be read"),
                run.err().lines().toList());
    }

    @Test
    void missingImage() {
        String[] m = model();
        CliRun run = CliRun.of("classify", m[0], m[1], m[2], m[3], tmp.resolve("none.png").toString());
        assertEquals(1, run.exitCode());
        assertEquals(List.of("piip: " + tmp.resolve("none.png") + ": no such file", "piip: 1 of 1 images could not be read"),
                run.err().lines().toList());
        assertEquals("", run.out());
    }
}
