package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages that say what is wrong and what to do, where a first-hour user used to get a bare or misleading line. */
class GuidingMessagesTest {
    @TempDir
    Path tmp;

    private static String[] forward(Path input, Path out) {
        Path c = Golden.file("cls3_deit_merged");
        return new String[] {"forward", "--config", c.resolve("case.json").toString(), "--weights", c.resolve("weights.pth").toString(),
            "--input", input.toString(), "--output-dir", out.toString()};
    }

    @Test
    void aFileAsOutputFolderIsNamedAsSuch() throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        CliRun run = CliRun.of(forward(Golden.file("cls3_deit_merged", "io.pth"), file));
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("--output-dir " + file + ": is a file; give a folder"), run.err());
        assertEquals("x", Files.readString(file), "untouched");
    }

    @Test
    void anImageAsForwardInputPointsToTheImageCommands() {
        CliRun run = CliRun.of(forward(Golden.shared("images", "waterview.jpg"), tmp.resolve("out")));
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("waterview.jpg: an image; --input takes a tensor") && run.errorLine().contains("piip classify"),
                run.err());
    }

    @Test
    void brokenJsonShowsNoParserInternals() throws Exception {
        Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"model\": {\"backbone\": {\"type\": 3");
        CliRun run = CliRun.of("info", broken.toString());
        assertEquals(1, run.exitCode());
        String line = run.errorLine();
        assertTrue(line.startsWith("piip: " + broken + ": not valid JSON (") && line.contains("at line 1"), line);
        assertFalse(line.contains("Source:") || line.contains("REDACTED") || line.contains("StreamReadFeature"), line);
    }

    @Test
    void infoAtAnInputThePublishedConventionCannotCountSaysSo() throws Exception {
        CliRun run = CliRun.of("info", "piip-tsb-maskrcnn-1120-896-448", "--input", "800x1333");
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.out().contains("-100.00%") || run.out().contains(" 0.0 M"), run.out());
        assertTrue(run.out().contains("authors-cls does not count this input"), run.out());
        JsonNode json = new ObjectMapper().readTree(CliRun.of("info", "piip-tsb-maskrcnn-1120-896-448", "--input", "800x1333", "--json").out());
        assertFalse(json.get("published").has("params_deviation"), json.get("published").toString());
        assertTrue(json.get("published").get("not_comparable").asText().contains("1120x1120"), json.get("published").toString());
    }

    @Test
    void forwardOnAWholeSegmentorRunsTheSegmentor() {
        Path c = Golden.file("upernet_seg2_intern_whole_b2_c");
        CliRun run = CliRun.of("forward", "--config", c.resolve("case.json").toString(), "--weights", c.resolve("weights.pth").toString(),
                "--input", c.resolve("io.pth").toString(), "--output-dir", tmp.resolve("out").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("seg_pred_1.npy") && !run.err().contains("ran the backbone only"), run.out() + run.err());
    }
}
