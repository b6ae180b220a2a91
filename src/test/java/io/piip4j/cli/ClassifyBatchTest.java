package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch with a bad image among good ones: each failure on its own line, the others classified, exit 1. */
class ClassifyBatchTest {
    private static final String GOOD = "examples/fashion-mnist-ankle-boot.png";
    @TempDir
    Path tmp;

    @Test
    void oneBadImageDoesNotStopTheOthers() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.jpg"));
        Path cut = tmp.resolve("cut.png");
        byte[] png = Files.readAllBytes(Path.of(GOOD));
        Files.write(cut, Arrays.copyOf(png, png.length / 3));
        CliRun run = CliRun.of("classify", GOOD, empty.toString(), cut.toString(), "examples/fashion-mnist-sandal.png");
        assertEquals(1, run.exitCode(), "some images failed");
        assertTrue(run.out().contains(GOOD + "\n") && run.out().contains("examples/fashion-mnist-sandal.png\n"), run.out());
        assertTrue(run.out().contains("Ankle boot"), run.out());
        long errors = run.err().lines().filter(l -> l.startsWith("piip: ") && !l.startsWith("piip: note:")).count();
        assertEquals(3, errors, "one line per bad image and a count:\n" + run.err());
        assertTrue(run.err().contains("empty.jpg: empty file") && run.err().contains("cut.png: ") && run.err().contains("2 of 4 images"),
                run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace");

        CliRun json = CliRun.of("classify", "--json", GOOD, empty.toString());
        assertEquals(1, json.exitCode());
        JsonNode r = new ObjectMapper().readTree(json.out());
        assertEquals(2, r.size());
        assertEquals("Ankle boot", r.get(0).get("top").get(0).get("label").asText());
        assertTrue(r.get(1).get("error").asText().contains("empty file"), r.toString());
    }

    @Test
    void theBuiltInModelSaysWhatItKnows() {
        CliRun run = CliRun.of("classify", GOOD);
        assertEquals(0, run.exitCode());
        assertTrue(run.err().contains("Fashion-MNIST's 10 clothing classes only") && run.err().contains("--config and --weights"), run.err());
    }
}
