package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.piip4j.weights.PthReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process stopped with SIGTERM checkpoints through its shutdown hook; resumed and then
 * killed with SIGKILL at a random moment (possibly while writing a checkpoint), it resumes from
 * its last complete checkpoint and ends in exactly the state of a run that was never
 * interrupted. Runs {@code piip train} in child JVMs.
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
        Path recipe = TinyRecipes.write(dir.resolve("data"), TinyRecipes.vit(12, 16, 32), 256, 16);
        Path straight = dir.resolve("straight");
        Path killed = dir.resolve("killed");
        Process a = start(recipe, straight, false);
        Path ck = killed.resolve("checkpoint.pth");

        // 1. SIGTERM (as Ctrl-C / kill): the shutdown hook checkpoints at the next step boundary
        Process b = start(recipe, killed, false);
        awaitCheckpoint(b, ck, 0, "killed.log");
        Thread.sleep(ThreadLocalRandom.current().nextInt(0, 800));
        boolean terminatedMidRun = b.isAlive();
        b.destroy();
        assertTrue(b.waitFor(60, TimeUnit.SECONDS), "the terminated run did not exit");
        String termLog = Files.readString(dir.resolve("killed.log"));
        assertTrue(!terminatedMidRun || termLog.contains("interrupted: checkpoint written"), termLog);

        // 2. resume, then SIGKILL at a random moment (possibly while a checkpoint is being written)
        long before = Files.getLastModifiedTime(ck).toMillis();
        Process c = start(recipe, killed, true);
        awaitCheckpoint(c, ck, before, "killed.resume.log");
        Thread.sleep(ThreadLocalRandom.current().nextInt(0, 1500));
        boolean killedMidRun = c.isAlive();
        c.destroyForcibly(); // SIGKILL: no shutdown hook runs
        c.waitFor(30, TimeUnit.SECONDS);
        // the file in place is always a complete checkpoint (written to a temporary name, then renamed)
        assertTrue(PthReader.read(ck) instanceof java.util.Map<?, ?>);

        // 3. resume to the end: the same state as the run that was never interrupted
        Files.move(dir.resolve("killed.resume.log"), dir.resolve("killed.resume1.log"));
        finish(start(recipe, killed, true), "resumed run", dir.resolve("killed.resume.log"));
        finish(a, "uninterrupted run", dir.resolve("straight.log"));
        TrainerTest.assertSameState(straight.resolve("checkpoint.pth"), ck);
        TrainerTest.assertTensorsEqual(TrainerTest.castMap(PthReader.read(straight.resolve("model.pth"))),
                TrainerTest.castMap(PthReader.read(killed.resolve("model.pth"))), "final weights");
        System.out.println("SIGTERM landed " + (terminatedMidRun ? "mid-run" : "after the end") + ", SIGKILL "
                + (killedMidRun ? "mid-run" : "after the end") + "; "
                + Files.readString(dir.resolve("killed.resume.log")).lines().filter(l -> l.startsWith("resumed")).findFirst().orElse(""));
    }

    /** Waits until the child has written a checkpoint newer than {@code after} (ms). */
    private void awaitCheckpoint(Process p, Path ck, long after, String log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while ((!Files.exists(ck) || Files.getLastModifiedTime(ck).toMillis() <= after) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(ck), "the child wrote no checkpoint:\n" + Files.readString(dir.resolve(log)));
    }
}
