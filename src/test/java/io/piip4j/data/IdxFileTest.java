package io.piip4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST-format files: reading plain and gzip files, and one-line errors for every kind of bad file. */
class IdxFileTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzip() throws Exception {
        byte[] data = {1, 2, 3, 4, 5, 6};
        for (boolean gz : new boolean[] {false, true}) {
            Path f = dir.resolve("x" + gz);
            IdxFiles.write(f, IdxFiles.idx(new int[] {2, 3}, data), gz);
            IdxFile idx = IdxFile.read(f);
            assertArrayEquals(new int[] {2, 3}, idx.dims());
            assertArrayEquals(data, idx.data());
        }
    }

    @Test
    void imageSetFromSyntheticPair() throws Exception {
        IdxFiles.synthetic(dir, 20, 10, 4, 1);
        ImageSet s = ImageSet.fromIdx(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"),
                List.of("a", "b", "c", "d"));
        assertEquals(20, s.size());
        assertEquals(28, s.height());
        assertEquals(1, s.channels());
    }

    private String error(byte[] bytes) throws Exception {
        Path f = dir.resolve("bad.idx");
        Files.write(f, bytes);
        DataException e = assertThrows(DataException.class, () -> IdxFile.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test
    void badFilesGiveClearErrors() throws Exception {
        assertTrue(error(new byte[] {0, 0}).contains("not an IDX file"));
        assertTrue(error(new byte[] {1, 2, 8, 1, 0, 0, 0, 1, 5}).contains("magic"));
        assertTrue(error(new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}).contains("element type 0x0d"));
        assertTrue(error(new byte[] {0, 0, 8, 0}).contains("0 dimensions"));
        assertTrue(error(new byte[] {0, 0, 8, 2, 0, 0, 0, 1}).contains("truncated header"));
        // a header claiming 2^31−1 × 2^31−1 bytes: refused before reading, nothing allocated
        assertTrue(error(IdxFiles.idx(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[0])).contains("more elements"));
        // a header claiming 100 MB with 3 bytes behind it: fails on the data, not by allocating 100 MB
        String t = error(IdxFiles.idx(new int[] {100_000_000}, new byte[] {1, 2, 3}));
        assertTrue(t.contains("truncated") && t.contains("holds 3"), t);
        assertTrue(error(IdxFiles.idx(new int[] {2}, new byte[] {1, 2, 3})).contains("trailing bytes"));
        assertTrue(error(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2}).contains("gzip"));
        assertTrue(error(new byte[] {0, 0, 8, 1, (byte) 0x80, 0, 0, 0}).contains("negative"));
    }

    @Test
    void missingFileAndFolder() {
        DataException e = assertThrows(DataException.class, () -> IdxFile.read(dir.resolve("none.gz")));
        assertTrue(e.getMessage().endsWith("no such file"));
        e = assertThrows(DataException.class, () -> IdxFile.read(dir));
        assertTrue(e.getMessage().contains("is a directory"));
    }

    @Test
    void inconsistentPairs() throws Exception {
        Path img = dir.resolve("img");
        Path lab = dir.resolve("lab");
        IdxFiles.write(img, IdxFiles.idx(new int[] {3, 2, 2}, new byte[12]), false);
        IdxFiles.write(lab, IdxFiles.idx(new int[] {2}, new byte[] {0, 1}), false);
        DataException e = assertThrows(DataException.class, () -> ImageSet.fromIdx(img, lab, List.of("a", "b")));
        assertTrue(e.getMessage().contains("holds 2 labels but img holds 3 images"), e.getMessage());
        IdxFiles.write(lab, IdxFiles.idx(new int[] {3}, new byte[] {0, 1, 7}), false);
        e = assertThrows(DataException.class, () -> ImageSet.fromIdx(img, lab, List.of("a", "b")));
        assertTrue(e.getMessage().contains("label 7 at index 2"), e.getMessage());
        e = assertThrows(DataException.class, () -> ImageSet.fromIdx(lab, lab, List.of("a", "b")));
        assertTrue(e.getMessage().contains("expected images of shape [count, height, width]"), e.getMessage());
    }
}
