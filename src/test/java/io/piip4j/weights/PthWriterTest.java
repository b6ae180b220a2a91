package io.piip4j.weights;

import static io.piip4j.testing.ArrayAsserts.assertSameArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PthWriterTest {

    @TempDir
    Path tmp;

    private static NdArray array(DType dtype, long[] shape, long seed) {
        int n = Math.toIntExact(NdArray.numel(shape) * dtype.byteSize());
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return new NdArray(dtype, shape, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void roundTripsTensorsAndMetadata() {
        NdArray w = array(DType.FLOAT32, new long[] {2, 3}, 1);
        NdArray idx = array(DType.INT64, new long[] {4}, 2);
        NdArray bf = array(DType.BFLOAT16, new long[] {3, 1, 2}, 3);
        NdArray scalar = array(DType.FLOAT32, new long[] {}, 4);
        NdArray empty = array(DType.FLOAT16, new long[] {0, 5}, 5);
        NdArray mask = array(DType.BOOL, new long[] {7}, 6);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("w", w);
        model.put("idx", idx);
        model.put("bf", bf);
        model.put("scalar", scalar);
        model.put("empty", empty);
        model.put("mask", mask);
        model.put("tied", w);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", new ArrayList<>(List.of(1L, "two", 3.5, false)));
        nested.put("big", 1L << 40);
        nested.put("negative", -70000L);
        nested.put("none", null);
        nested.put("unicode", "héllo ✓");
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("model", model);
        tree.put("epoch", 7L);
        tree.put("lr", 1e-3);
        tree.put("meta", nested);
        tree.put("raw", new byte[] {0, (byte) 0xff, 'a'});

        Path f = tmp.resolve("ckpt.pth");
        PthWriter.write(f, tree);
        Map<String, Object> back = Golden.map(PthReader.read(f));
        assertEquals(List.copyOf(tree.keySet()), List.copyOf(back.keySet()));
        Map<String, Object> m = Golden.map(back.get("model"));
        assertEquals(List.copyOf(model.keySet()), List.copyOf(m.keySet()));
        for (String k : model.keySet()) {
            assertSameArray((NdArray) model.get(k), (NdArray) m.get(k), k);
        }
        assertEquals(7L, back.get("epoch"));
        assertEquals(1e-3, back.get("lr"));
        assertEquals(nested, back.get("meta"));
        assertNull(Golden.map(back.get("meta")).get("none"));
        assertArrayEquals(new byte[] {0, (byte) 0xff, 'a'}, (byte[]) back.get("raw"));

        Map<String, NdArray> sd = PthReader.readStateDict(f);
        assertEquals(model.keySet(), sd.keySet());
    }

    @Test
    void zipLayoutIsTorchs() throws IOException {
        NdArray a = array(DType.FLOAT32, new long[] {3}, 1);
        NdArray b = array(DType.INT32, new long[] {5}, 2);
        Path f = tmp.resolve("layout.pth");
        PthWriter.write(f, Map.of("a", a, "b", b, "a_again", a));
        try (ZipFile z = new ZipFile(f.toFile())) {
            List<String> names = z.stream().map(ZipEntry::getName).toList();
            assertEquals(List.of("layout/data.pkl", "layout/byteorder", "layout/data/0", "layout/data/1",
                    "layout/version"), names);
            assertTrue(z.stream().allMatch(e -> e.getMethod() == ZipEntry.STORED));
            assertEquals("3\n", new String(z.getInputStream(z.getEntry("layout/version")).readAllBytes()));
            assertEquals("little", new String(z.getInputStream(z.getEntry("layout/byteorder")).readAllBytes()));
        }
        // every entry's data starts on a 64-byte boundary, as torch writes them
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        int entries = 0;
        while (file.getInt(pos) == 0x04034b50) {
            int size = file.getInt(pos + 18);
            int data = pos + 30 + (file.getShort(pos + 26) & 0xffff) + (file.getShort(pos + 28) & 0xffff);
            assertEquals(0, data % 64, "entry " + entries + " data offset " + data);
            pos = data + size;
            entries++;
        }
        assertEquals(5, entries);
    }

    @Test
    void goldenWeightsSurviveARewrite() {
        Path src = Golden.file("checkpoints", "views.pth");
        Map<String, Object> views = Golden.map(PthReader.read(src));
        Path f = tmp.resolve("views_copy.pth");
        PthWriter.write(f, views);
        Map<String, Object> back = Golden.map(PthReader.read(f));
        for (String k : views.keySet()) {
            assertSameArray((NdArray) views.get(k), (NdArray) back.get(k), k);
        }

        Map<String, NdArray> sd = PthReader.readStateDict(Golden.file("cls3_deit_merged", "weights.pth"));
        Path g = tmp.resolve("weights.pth");
        PthWriter.write(g, sd);
        Map<String, NdArray> again = PthReader.readStateDict(g);
        assertEquals(List.copyOf(sd.keySet()), List.copyOf(again.keySet()));
        sd.forEach((k, v) -> assertSameArray(v, again.get(k), k));
    }

    @Test
    void unwritableValuesAndFailuresLeaveNothingBehind() throws IOException {
        Path f = tmp.resolve("bad.pth");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> PthWriter.write(f, Map.of("x", new Object())));
        assertTrue(e.getMessage().startsWith(f + ": cannot write"), e.getMessage());

        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        assertTrue(assertThrows(CheckpointException.class, () -> PthWriter.write(f, Map.of("loop", loop)))
                .getMessage().contains("contains itself"));

        Path noFolder = tmp.resolve("missing").resolve("x.pth");
        assertThrows(CheckpointException.class, () -> PthWriter.write(noFolder, Map.of()));

        // replacing an existing file works and leaves no temporary files
        PthWriter.write(f, Map.of("v", 1L));
        PthWriter.write(f, Map.of("v", 2L));
        assertEquals(2L, Golden.map(PthReader.read(f)).get("v"));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void readOnlyArraysFromTheReaderCanBeWritten() {
        Map<String, Object> views = Golden.map(PthReader.read(Golden.file("checkpoints", "views.pth")));
        NdArray t = (NdArray) views.get("view_t");
        assertTrue(t.data().isReadOnly());
        Path f = tmp.resolve("t.npy");
        Npy.write(f, t);
        assertSameArray(t, Npy.read(f), "view_t");
        assertInstanceOf(NdArray.class, views.get("base"));
    }
}
