package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * killed with SIGKILL at a random moment of an epoch (possibly while writing a checkpoint), it
 * resumes from its last complete checkpoint and ends in exactly the state of a run that was never
 * interrupted. Both stops must land mid-run (no final weights, a checkpoint before the last epoch):
 * a stop after the end would make the test vacuous. Runs {@code piip train} in child JVMs.
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

    private static final int EPOCHS = 12;

    @Test
    void killedRunResumesToTheUninterruptedState() throws Exception {
        Path recipe = TinyRecipes.write(dir.resolve("data"), TinyRecipes.vit(EPOCHS, 16, 32), 256, 16);
        Path straight = dir.resolve("straight");
        Path killed = dir.resolve("killed");
        Process a = start(recipe, straight, false);
        Path ck = killed.resolve("checkpoint.pth");

        // 1. SIGTERM (as Ctrl-C / kill) somewhere in epoch 4: the shutdown hook checkpoints at the next step boundary
        Process b = start(recipe, killed, false);
        long termAfter = sleepIntoNextEpoch(b, ck, "killed.log");
        b.destroy();
        assertTrue(b.waitFor(60, TimeUnit.SECONDS), "the terminated run did not exit");
        String termLog = Files.readString(dir.resolve("killed.log"));
        assertTrue(termLog.contains("interrupted: checkpoint written"), termLog);
        assertStoppedMidRun(killed, "SIGTERM");

        // 2. resume, then SIGKILL somewhere in its fourth epoch (possibly while a checkpoint is being written)
        Process c = start(recipe, killed, true);
        long killAfter = sleepIntoNextEpoch(c, ck, "killed.resume.log");
        assertTrue(c.isAlive(), "the resumed run ended before the kill:\n" + Files.readString(dir.resolve("killed.resume.log")));
        c.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(c.waitFor(30, TimeUnit.SECONDS), "the killed run did not exit");
        // the file in place is always a complete checkpoint (written to a temporary name, then renamed)
        assertStoppedMidRun(killed, "SIGKILL");

        // 3. resume to the end: the same state as the run that was never interrupted
        Files.move(dir.resolve("killed.resume.log"), dir.resolve("killed.resume1.log"));
        finish(start(recipe, killed, true), "resumed run", dir.resolve("killed.resume.log"));
        finish(a, "uninterrupted run", dir.resolve("straight.log"));
        TrainerTest.assertSameState(straight.resolve("checkpoint.pth"), ck);
        TrainerTest.assertTensorsEqual(TrainerTest.castMap(PthReader.read(straight.resolve("model.pth"))),
                TrainerTest.castMap(PthReader.read(killed.resolve("model.pth"))), "final weights");
        System.out.println("SIGTERM " + termAfter + " ms into epoch 4, SIGKILL " + killAfter + " ms into the resumed run's fourth epoch; "
                + Files.readString(dir.resolve("killed.resume.log")).lines().filter(l -> l.startsWith("resumed")).findFirst().orElse(""));
    }

    /** The run was stopped before its end: no final weights, and its checkpoint is before the last epoch. */
    private static void assertStoppedMidRun(Path out, String how) {
        assertFalse(Files.exists(out.resolve("model.pth")), how + " landed after the run had finished: model.pth was written");
        long epoch = (Long) TrainerTest.castMap(PthReader.read(out.resolve("checkpoint.pth"))).get("epoch");
        assertTrue(epoch < EPOCHS, how + " landed after the last epoch: the checkpoint is at epoch " + epoch);
    }

    /**
     * Waits for the child's next three checkpoints (epoch ends), then sleeps a random part of the
     * time between the last two, so that a stop lands somewhere in the following epoch, its
     * checkpoint write included, with several epochs left: measured, not guessed, whatever the
     * machine's speed. (The epochs before the second checkpoint are no measure: a resumed run's
     * first one is partial, and the first curves.png of a JVM is slow.) Returns the sleep in ms.
     */
    private long sleepIntoNextEpoch(Process p, Path ck, String log) throws Exception {
        awaitCheckpoint(p, ck, log);
        long second = awaitCheckpoint(p, ck, log);
        long third = awaitCheckpoint(p, ck, log);
        long epochMs = Math.max(1, (third - second) / 1_000_000);
        long sleep = ThreadLocalRandom.current().nextLong(epochMs);
        Thread.sleep(sleep);
        return sleep;
    }

    /** Waits until the child has written a checkpoint newer than the one in place (if any); returns when it saw it (ns). */
    private long awaitCheckpoint(Process p, Path ck, String log) throws Exception {
        long before = Files.exists(ck) ? Files.getLastModifiedTime(ck).toMillis() : Long.MIN_VALUE;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while ((!Files.exists(ck) || Files.getLastModifiedTime(ck).toMillis() <= before) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.exists(ck) && Files.getLastModifiedTime(ck).toMillis() > before,
                "the child wrote no new checkpoint:\n" + Files.readString(dir.resolve(log)));
        return System.nanoTime();
    }
}
