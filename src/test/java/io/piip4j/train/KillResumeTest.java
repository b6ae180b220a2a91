package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.piip4j.weights.PthReader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL at a random moment (possibly while writing a
 * checkpoint) resumes from its last complete checkpoint and ends in exactly the state of a run
 * that was never interrupted. Runs {@code piip train} in child JVMs.
 */
class KillResumeTest {
    @TempDir
    Path dir;

    private Process start(Path recipe, Path out, boolean resume) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "io.piip4j.cli.Main", "train", recipe.toString(), "--out", out.toString(), "--threads", "1", "--quiet"));
        if (resume) {
            cmd.add("--resume");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(out.getFileName() + (resume ? ".resume" : "") + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private static void finish(Process p, String what, Path log) throws Exception {
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(what + " did not finish in time");
        }
        assertEquals(0, p.exitValue(), what + " failed:\n" + Files.readString(log));
    }

    @Test
    void killedRunResumesToTheUninterruptedState() throws Exception {
        Path recipe = TinyRecipes.write(dir.resolve("data"), TinyRecipes.vit(20, 16, 32), 320, 16);
        Path straight = dir.resolve("straight");
        Path killed = dir.resolve("killed");
        Process a = start(recipe, straight, false);
        Process b = start(recipe, killed, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        Path ck = killed.resolve("checkpoint.pth");
        while (!Files.exists(ck) && b.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(ck), "the child wrote no checkpoint:\n" + Files.readString(dir.resolve("killed.log")));
        Thread.sleep(ThreadLocalRandom.current().nextInt(0, 1500));
        boolean killedMidRun = b.isAlive();
        b.destroyForcibly(); // SIGKILL: no shutdown hook runs
        b.waitFor(30, TimeUnit.SECONDS);
        // the file in place is always a complete checkpoint (written to a temporary name, then renamed)
        assertTrue(PthReader.read(ck) instanceof java.util.Map<?, ?>);
        finish(start(recipe, killed, true), "resumed run", dir.resolve("killed.resume.log"));
        finish(a, "uninterrupted run", dir.resolve("straight.log"));
        TrainerTest.assertSameState(straight.resolve("checkpoint.pth"), ck);
        TrainerTest.assertTensorsEqual(TrainerTest.castMap(PthReader.read(straight.resolve("model.pth"))),
                TrainerTest.castMap(PthReader.read(killed.resolve("model.pth"))), "final weights");
        System.out.println("kill landed " + (killedMidRun ? "mid-run" : "after the run had finished") + "; log:\n"
                + Files.readString(dir.resolve("killed.resume.log")).lines().filter(l -> l.startsWith("resumed")).findFirst().orElse(""));
        assertTrue(new File(ck.toString()).length() > 0);
    }
}
