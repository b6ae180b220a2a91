package io.piip4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The property every fuzz target checks: a reader given arbitrary bytes either returns or throws
 * its own exception type with a one-line message, and never lets another exception escape, hang,
 * or run out of memory. The readers turn unexpected {@code RuntimeException}s, {@code IOException}s,
 * {@code OutOfMemoryError}s and {@code StackOverflowError}s into their own type as a last resort
 * so users always get a clean message; for a fuzz input of a few kilobytes each of those is a bug
 * (a missing check, or an allocation the file did not pay for), so they fail the target here.
 */
public final class FuzzChecks {

    /** Inputs beyond this are skipped: the readers' limits are tested on crafted files, not here. */
    public static final int MAX_INPUT_BYTES = 1 << 20;

    private FuzzChecks() {
    }

    /** Fails unless {@code e} is a clean refusal: expected type, one line, no hidden cause. */
    public static void assertCleanRefusal(RuntimeException e, Class<? extends RuntimeException> type, String prefix) {
        if (!type.isInstance(e)) {
            throw new AssertionError("escaped as " + e.getClass().getName() + " instead of " + type.getSimpleName(), e);
        }
        String m = e.getMessage();
        if (m == null || !m.startsWith(prefix) || m.contains("\n")) {
            throw new AssertionError("message is not one line starting with '" + prefix + "': " + m, e);
        }
        if (e.getCause() != null) {
            // the readers keep the cause only where their last-resort handler caught something
            // unexpected: a RuntimeException, an IOException, an OutOfMemoryError or a StackOverflowError
            throw new AssertionError("an unexpected " + e.getCause().getClass().getName()
                    + " was caught by the reader's last-resort handler: " + m, e.getCause());
        }
    }

    /** One input may take this long; a slower one is a finding (work not bounded by the input's size). */
    public static final long MAX_NANOS_PER_INPUT = 5_000_000_000L;

    /**
     * Runs one input through a reader: returns normally, or throws only a clean refusal of the
     * reader's own type (see {@link #assertCleanRefusal}), within {@link #MAX_NANOS_PER_INPUT}.
     */
    public static void check(Runnable read, Class<? extends RuntimeException> type, String prefix) {
        long start = System.nanoTime();
        try {
            read.run();
        } catch (RuntimeException e) {
            assertCleanRefusal(e, type, prefix);
        }
        long took = System.nanoTime() - start;
        if (took > MAX_NANOS_PER_INPUT) {
            throw new AssertionError("one input took " + took / 1_000_000 + " ms");
        }
    }

    /** Writes the input to a fixed file (reused between runs of one target). */
    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.Map<String, Path> SCRATCH = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A scratch file for one target's inputs (rewritten for each), in a folder created once per
     * JVM: in memory ({@code /dev/shm}) where there is one, since writing each input to a disk
     * file would make fuzzing ten times slower. Both go when the JVM exits.
     */
    public static Path scratchFile(String name) {
        return SCRATCH.computeIfAbsent(name, n -> {
            try {
                Path shm = Path.of("/dev/shm");
                Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                        : Path.of(System.getProperty("java.io.tmpdir"));
                Path dir = Files.createTempDirectory(base, "piip4j-fuzz-");
                dir.toFile().deleteOnExit();
                Path file = dir.resolve(n);
                file.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
