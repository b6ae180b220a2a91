package io.piip4j.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails part-way leaves no partial file: neither under the target's name nor as a stray temporary. */
class AtomicFilesTest {

    @TempDir
    Path tmp;

    private List<String> folder() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static AtomicFiles.Body halfThen(RuntimeException e) {
        return out -> {
            out.write(new byte[100_000]);
            throw e;
        };
    }

    @Test
    void aFailedWriteLeavesNoFileAndNoTemporary() throws IOException {
        Path target = tmp.resolve("model.pth");
        CheckpointException e = assertThrows(CheckpointException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals(target + ": cannot write (No space left on device)", e.getMessage());
        assertEquals(List.of(), folder());

        assertThrows(CheckpointException.class, () -> AtomicFiles.write(target, halfThen(new IllegalStateException("bug"))));
        assertEquals(List.of(), folder());
        // an Error (out of memory, an assertion) passes through, and still leaves nothing behind
        assertThrows(OutOfMemoryError.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new OutOfMemoryError("test");
        }));
        assertEquals(List.of(), folder());
    }

    @Test
    void aFailedWriteLeavesTheOldFileWhole() throws IOException {
        Path target = tmp.resolve("out.npy");
        NdArray old = NdArray.ofFloats(new float[] {1, 2, 3}, 3);
        Npy.write(target, old);
        byte[] before = Files.readAllBytes(target);
        assertThrows(CheckpointException.class, () -> AtomicFiles.write(target, halfThen(new RuntimeException("crash"))));
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of("out.npy"), folder());
        assertArrayEquals(old.toFloats(), Npy.read(target).toFloats());

        // the writers refuse what they cannot encode without touching the old file
        assertThrows(CheckpointException.class, () -> Npy.write(target,
                new NdArray(DType.BFLOAT16, new long[] {1}, java.nio.ByteBuffer.allocate(2))));
        Path pth = tmp.resolve("ckpt.pth");
        PthWriter.write(pth, Map.of("w", old));
        byte[] ckpt = Files.readAllBytes(pth);
        assertThrows(CheckpointException.class, () -> PthWriter.write(pth, Map.of("w", old, "thread", new Object())));
        assertArrayEquals(ckpt, Files.readAllBytes(pth));
        assertEquals(List.of("ckpt.pth", "out.npy"), folder());
    }

    /** Found by routing training's JSON through here: Jackson closes the stream it is given. */
    @Test
    void aBodyThatClosesTheStreamStillWritesTheWholeFile() throws IOException {
        Path target = tmp.resolve("history.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        AtomicFiles.write(target, out -> json.writeValue(out, Map.of("epochs", List.of(1, 2, 3))));
        assertEquals("{\"epochs\":[1,2,3]}", Files.readString(target));
        AtomicFiles.write(target, out -> {
            out.write('x');
            out.close();
            out.close();
        });
        assertEquals("x", Files.readString(target));
        assertEquals(List.of("history.json"), folder());
    }

    @Test
    void aMissingFolderOrAFolderTargetIsNamed() {
        Path nowhere = tmp.resolve("no").resolve("such").resolve("x.npy");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Npy.write(nowhere, NdArray.ofFloats(new float[] {1}, 1)));
        assertTrue(e.getMessage().startsWith(nowhere + ": cannot write (folder "), e.getMessage());
        assertEquals(tmp + ": cannot write (is a folder)", assertThrows(CheckpointException.class,
                () -> AtomicFiles.write(tmp, out -> out.write(1))).getMessage());
    }

    /** Readers see either a whole old version or a whole new one, however writers and readers interleave. */
    @Test
    void concurrentWritersAndReadersNeverSeeAPartialFile() throws Exception {
        Path target = tmp.resolve("state.json");
        List<byte[]> versions = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            byte[] b = new byte[200_000];
            Arrays.fill(b, (byte) ('a' + v));
            versions.add(b);
        }
        AtomicFiles.write(target, out -> out.write(versions.get(0)));
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                byte[] mine = versions.get(w);
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        AtomicFiles.write(target, out -> out.write(mine));
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                while (!done.get() || reads < 10) {
                    byte[] got = Files.readAllBytes(target);
                    reads++;
                    boolean whole = versions.stream().anyMatch(v -> Arrays.equals(v, got));
                    if (!whole) {
                        throw new AssertionError("read a partial or mixed file of " + got.length + " bytes");
                    }
                }
                return reads;
            });
            for (Future<?> w : writers) {
                w.get(2, TimeUnit.MINUTES);
            }
            done.set(true);
            assertTrue(reader.get(2, TimeUnit.MINUTES) >= 10);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("state.json"), folder());
        assertFalse(new String(Files.readAllBytes(target), StandardCharsets.US_ASCII).isEmpty());
    }
}
