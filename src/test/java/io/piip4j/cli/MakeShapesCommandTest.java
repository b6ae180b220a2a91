package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeShapesCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheDataSetAndSaysWhere() {
        Path out = dir.resolve("val");
        CliRun run = CliRun.of("make-shapes", "--out", out.toString(), "--images", "3", "--seed", "777", "--size", "64");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("wrote 3 images to " + out + " (instances.json, images/, labels/)\n", run.out());
        assertTrue(Files.isRegularFile(out.resolve("instances.json")));
        assertTrue(Files.isRegularFile(out.resolve("images/000002.png")));
        assertTrue(Files.isRegularFile(out.resolve("labels/000002.png")));
    }

    @Test
    void badArgumentsAreUsageErrorsAndAUsedFolderAFailure() throws Exception {
        CliRun zero = CliRun.of("make-shapes", "--out", dir.resolve("z").toString(), "--images", "0");
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().startsWith("piip: --images must be 1 to 1000000, got 0"), zero.err());
        CliRun tiny = CliRun.of("make-shapes", "--out", dir.resolve("t").toString(), "--images", "2", "--size", "8");
        assertEquals(2, tiny.exitCode());
        Files.writeString(Files.createDirectories(dir.resolve("used")).resolve("a"), "x");
        CliRun used = CliRun.of("make-shapes", "--out", dir.resolve("used").toString(), "--images", "2");
        assertEquals(1, used.exitCode());
        assertEquals("piip: " + dir.resolve("used") + ": exists and is not empty (choose a new folder)\n", used.err());
    }
}
