package io.piip4j.weights;

import static io.piip4j.testing.ArrayAsserts.assertSameArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@RunsGolden({"checkpoints/cls_training_checkpoint.pth", "checkpoints/det_mmdet_checkpoint.pth", "checkpoints/cls_fp16.pth",
        "checkpoints/cls_bf16.pth", "checkpoints/views.pth", "checkpoints/cls_legacy_format.pth"})
class PthReaderTest {

    @TempDir
    Path tmp;

    private static Path checkpoint(String name) {
        // a fixture read here is one this class claims for GoldenCoverageTest
        assertTrue(Golden.claims(PthReaderTest.class, "checkpoints/" + name), name + " is not in @RunsGolden");
        return Golden.file("checkpoints", name);
    }

    static Stream<String> checkpoints() {
        return Golden.claimed(PthReaderTest.class);
    }

    /** The golden README's promise: every zip-format fixture reads with the safe allow-list; any other file is named legacy. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void everyFixtureReadsSafelyOrIsNamedLegacy(String name) throws IOException {
        Path f = Golden.file(name);
        byte[] magic = Arrays.copyOf(Files.readAllBytes(f), 4);
        if (Arrays.equals(magic, new byte[] {'P', 'K', 3, 4})) {
            assertInstanceOf(Map.class, PthReader.read(f));
        } else {
            assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(f)).getMessage().contains(": legacy"));
        }
    }

    private static Map<String, Object> map(Object o) {
        return Golden.map(o);
    }

    private static float[] range(float... v) {
        return v;
    }

    @Test
    void viewsShareOneStorageWithOffsetsAndStrides() {
        Map<String, Object> m = map(PthReader.read(checkpoint("views.pth")));
        assertEquals(List.of("view_t", "view_slice", "base"), List.copyOf(m.keySet()));
        NdArray base = (NdArray) m.get("base");
        NdArray t = (NdArray) m.get("view_t");
        NdArray slice = (NdArray) m.get("view_slice");
        assertArrayEquals(new long[] {4, 6}, base.shape());
        assertArrayEquals(new long[] {6, 4}, t.shape());
        assertArrayEquals(new long[] {2, 3}, slice.shape());
        float[] b = base.toFloats();
        for (int i = 0; i < 24; i++) {
            assertEquals(i, b[i]);
        }
        float[] tt = t.toFloats();
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(c * 6 + r, tt[r * 4 + c], "view_t[" + r + "," + c + "]");
            }
        }
        assertArrayEquals(range(8, 9, 10, 14, 15, 16), slice.toFloats());
        assertEquals(DType.FLOAT32, slice.dtype());
        assertTrue(base.data().isReadOnly());
    }

    @Test
    void trainingCheckpointGivesTheModelWeights() {
        Path ckpt = checkpoint("cls_training_checkpoint.pth");
        Map<String, NdArray> sd = PthReader.readStateDict(ckpt);
        Map<String, NdArray> ref = PthReader.readStateDict(Golden.file("cls3_deit_merged", "weights.pth"));
        assertEquals(309, ref.size());
        assertEquals(List.copyOf(ref.keySet()), List.copyOf(sd.keySet()));
        for (String k : ref.keySet()) {
            assertSameArray(ref.get(k), sd.get(k), k);
        }

        Map<String, Object> all = map(PthReader.read(ckpt));
        assertEquals(List.of("model", "optimizer", "lr_scheduler", "epoch", "model_ema", "scaler", "args"),
                List.copyOf(all.keySet()));
        Map<String, Object> args = map(all.get("args"));
        assertEquals("piip_3branch", args.get("model"));
        assertEquals(128L, args.get("input_size"));
        assertEquals(4e-4, args.get("lr"));
        assertNull(all.get("model_ema"));
        assertInstanceOf(Long.class, all.get("epoch"));
    }

    @Test
    void mmdetCheckpointWithNumpyScalar() {
        Map<String, Object> all = map(PthReader.read(checkpoint("det_mmdet_checkpoint.pth")));
        Map<String, Object> meta = map(all.get("meta"));
        Object best = map(meta.get("hook_msgs")).get("best_score");
        assertInstanceOf(Double.class, best);
        assertEquals(0.436, (Double) best, 1e-12);
        assertEquals(80, ((List<?>) meta.get("CLASSES")).size());

        Map<String, NdArray> sd = PthReader.readStateDict(checkpoint("det_mmdet_checkpoint.pth"));
        Map<String, NdArray> backbone = PthReader.readStateDict(Golden.file("det3_deit_window", "weights.pth"));
        for (Map.Entry<String, NdArray> e : backbone.entrySet()) {
            assertSameArray(e.getValue(), sd.get("backbone." + e.getKey()), e.getKey());
        }
        assertEquals(backbone.size() + 1, sd.size());
    }

    @Test
    void halfAndBfloat16WeightsMatchFloat32WithinRounding() {
        Map<String, NdArray> ref = PthReader.readStateDict(Golden.file("cls3_deit_merged", "weights.pth"));
        Object[][] cases = {{"cls_fp16.pth", DType.FLOAT16, 1e-3}, {"cls_bf16.pth", DType.BFLOAT16, 1e-2}};
        for (Object[] c : cases) {
            Map<String, NdArray> sd = PthReader.readStateDict(checkpoint((String) c[0]));
            assertEquals(ref.keySet(), sd.keySet());
            double tol = (Double) c[2];
            for (String k : ref.keySet()) {
                NdArray r = ref.get(k);
                NdArray h = sd.get(k);
                assertArrayEquals(r.shape(), h.shape(), k);
                if (r.dtype() != DType.FLOAT32) {
                    continue;
                }
                assertEquals(c[1], h.dtype(), k);
                float[] a = h.toFloats();
                float[] b = r.toFloats();
                for (int i = 0; i < a.length; i++) {
                    double err = Math.abs(a[i] - b[i]);
                    assertTrue(err <= tol * Math.abs(b[i]) + 1e-7, c[0] + " " + k + "[" + i + "]: " + a[i] + " vs " + b[i]);
                }
            }
        }
    }

    @Test
    void legacyFormatIsNamed() {
        Path legacy = checkpoint("cls_legacy_format.pth");
        CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(legacy));
        assertTrue(e.getMessage().startsWith(legacy.toString() + ": legacy"), e.getMessage());
        assertTrue(e.getMessage().contains("PyTorch >= 1.6"));
    }

    @Test
    void maliciousGlobalIsRefusedBeforeAnythingRuns() throws IOException {
        Path marker = tmp.resolve("pwned");
        byte[] evil = ("cos\nsystem\n(S'touch " + marker + "'\ntR.").getBytes(StandardCharsets.US_ASCII);

        Path zipped = PickleBuilder.checkpoint(tmp.resolve("model.pth"), evil, Map.of());
        CheckpointException z = assertThrows(CheckpointException.class, () -> PthReader.read(zipped));
        assertEquals(zipped + ": refuses to load global 'os.system' (not on the allow-list; pass --trust-global "
                + "os.system to allow)", z.getMessage());

        Path plain = Files.write(tmp.resolve("plain.pth"), evil);
        CheckpointException p = assertThrows(CheckpointException.class, () -> PthReader.read(plain));
        assertTrue(p.getMessage().startsWith(plain + ": refuses to load global 'os.system'"), p.getMessage());

        // protocol 4 names globals from the stack
        byte[] stackGlobal = {(byte) 0x80, 4, (byte) 0x8c, 8, 'b', 'u', 'i', 'l', 't', 'i', 'n', 's',
            (byte) 0x8c, 4, 'e', 'v', 'a', 'l', (byte) 0x93, '.'};
        Path sg = PickleBuilder.checkpoint(tmp.resolve("sg.pth"), stackGlobal, Map.of());
        CheckpointException s = assertThrows(CheckpointException.class, () -> PthReader.read(sg));
        assertTrue(s.getMessage().contains("'builtins.eval'"), s.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void trustedGlobalsBecomeInertMaps() {
        byte[] pickle = PickleBuilder.proto2().global("mymod", "Config").op(')', 0x81)
                .op('}').str("depth").integer(12).op('s').op('b').stop().bytes();
        Path f = PickleBuilder.checkpoint(tmp.resolve("trusted.pth"), pickle, Map.of());
        CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(f));
        assertTrue(e.getMessage().contains("--trust-global mymod.Config"), e.getMessage());

        Map<String, Object> m = map(PthReader.read(f, PthReader.Options.DEFAULT.trust("mymod.Config")));
        assertEquals("mymod.Config", m.get("__class__"));
        assertEquals(12L, m.get("depth"));
    }

    @Test
    void storageBoundsAreChecked() {
        byte[] four = new byte[16];
        String[][] bad = {
            // view reaching past the storage
            {"1000000000", "0", "1"},
            // offset past the storage
            {"2", "3", "1"},
            // broadcasting a 16-byte storage to 4 TiB
            {"1099511627776", "0", "0"},
            // overflowing extent
            {"4611686018427387904", "0", "4"},
        };
        for (String[] b : bad) {
            long size = Long.parseLong(b[0]);
            long offset = Long.parseLong(b[1]);
            long stride = Long.parseLong(b[2]);
            byte[] pickle = PickleBuilder.dictOfOneTensor("w", "FloatStorage", "0", 4, offset, new long[] {size},
                    new long[] {stride});
            Path f = PickleBuilder.checkpoint(tmp.resolve("bounds.pth"), pickle, Map.of("0", four));
            CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(f), Arrays.toString(b));
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        }
        // a storage claiming more elements than its entry holds, or an absurd count
        for (long numel : new long[] {5, Long.MAX_VALUE / 2, -1}) {
            byte[] pickle = PickleBuilder.dictOfOneTensor("w", "FloatStorage", "0", numel, 0, new long[] {1},
                    new long[] {1});
            Path f = PickleBuilder.checkpoint(tmp.resolve("numel.pth"), pickle, Map.of("0", four));
            assertThrows(CheckpointException.class, () -> PthReader.read(f), "numel " + numel);
        }
        // a storage key with no entry
        byte[] pickle = PickleBuilder.dictOfOneTensor("w", "FloatStorage", "7", 4, 0, new long[] {4}, new long[] {1});
        Path f = PickleBuilder.checkpoint(tmp.resolve("missing.pth"), pickle, Map.of("0", four));
        CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(f));
        assertTrue(e.getMessage().contains("data/7 is missing"), e.getMessage());
        // a small broadcast is fine: (3,) with stride 0 over one element
        byte[] ok = PickleBuilder.dictOfOneTensor("w", "FloatStorage", "0", 4, 1, new long[] {3}, new long[] {0});
        byte[] data = new byte[16];
        data[4 + 3] = 0x3f; // element 1 = 0x3f000000 = 0.5
        Path g = PickleBuilder.checkpoint(tmp.resolve("bcast.pth"), ok, Map.of("0", data));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, ((NdArray) map(PthReader.read(g)).get("w")).toFloats());
    }

    @Test
    void badFilesGiveOneLineMessagesNamingTheFile() throws IOException {
        byte[] weights = Files.readAllBytes(Golden.file("cls3_deit_merged", "weights.pth"));
        byte[] random = new byte[5000];
        new Random(1).nextBytes(random);
        Map<String, byte[]> files = Map.of(
                "truncated.pth", Arrays.copyOf(weights, 1000),
                "cut_tail.pth", Arrays.copyOf(weights, weights.length - 10),
                "random.pth", random,
                "empty.pth", new byte[0],
                "text.pth", "hello\n".getBytes(StandardCharsets.US_ASCII),
                "zip_only_magic.pth", new byte[] {'P', 'K', 3, 4});
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path f = Files.write(tmp.resolve(e.getKey()), e.getValue());
            CheckpointException ex = assertThrows(CheckpointException.class, () -> PthReader.read(f), e.getKey());
            assertTrue(ex.getMessage().startsWith(f + ": "), ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        }
        Path missing = tmp.resolve("nope.pth");
        assertEquals(missing + ": no such file",
                assertThrows(CheckpointException.class, () -> PthReader.read(missing)).getMessage());
        Path empty = tmp.resolve("empty.pth");
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(empty)).getMessage().contains("empty"));

        Path noPickle = PickleBuilder.zip(tmp.resolve("nopkl.pth"), Map.of("version", new byte[] {'3'}));
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(noPickle)).getMessage()
                .contains("missing data.pkl"));
    }

    @Test
    void stateDictIsFoundWhereReleasesPutIt() throws IOException {
        byte[] four = new byte[16];
        // {'model_ema': {...}, 'module': {'module.a': t, 'module.b': t}}: 'module' wins, prefix dropped
        byte[] pickle = PickleBuilder.proto2().op('}')
                .str("model_ema").op('}').str("x").tensor("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).op('s')
                .op('s')
                .str("module").op('}', '(')
                .str("module.a").tensor("FloatStorage", "0", 4, 0, new long[] {2}, new long[] {1})
                .str("module.b").tensor("FloatStorage", "0", 4, 2, new long[] {2}, new long[] {1})
                .op('u').op('s').stop().bytes();
        Path f = PickleBuilder.checkpoint(tmp.resolve("ddp.pth"), pickle, Map.of("0", four));
        assertEquals(List.of("a", "b"), List.copyOf(PthReader.readStateDict(f).keySet()));

        byte[] wrong = PickleBuilder.proto2().op('}').str("model").op(']').op('s').str("epoch").integer(3).op('s')
                .stop().bytes();
        Path g = PickleBuilder.checkpoint(tmp.resolve("wrong.pth"), wrong, Map.of());
        assertEquals(g + ": 'model' holds a list, not a state dict (a dict of tensors)",
                assertThrows(CheckpointException.class, () -> PthReader.readStateDict(g)).getMessage());

        byte[] none = PickleBuilder.proto2().op('}').str("epoch").integer(3).op('s').stop().bytes();
        Path h = PickleBuilder.checkpoint(tmp.resolve("none.pth"), none, Map.of());
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.readStateDict(h)).getMessage()
                .contains("no state dict found (top-level keys: 'epoch'"));
    }

    @Test
    void mutatedCheckpointsNeverEscapeAsOtherErrors() throws IOException {
        Path views = checkpoint("views.pth");
        byte[] file = Files.readAllBytes(views);
        byte[] pickle;
        byte[] storage;
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(views.toFile())) {
            pickle = z.getInputStream(z.getEntry("views/data.pkl")).readAllBytes();
            storage = z.getInputStream(z.getEntry("views/data/0")).readAllBytes();
        }
        Random rnd = new Random(42);
        long start = System.nanoTime();
        for (int i = 0; i < 3000; i++) {
            boolean inner = i % 3 != 0;
            byte[] b = (inner ? pickle : file).clone();
            int edits = 1 + rnd.nextInt(4);
            for (int k = 0; k < edits && b.length > 0; k++) {
                int at = rnd.nextInt(b.length);
                switch (rnd.nextInt(3)) {
                    case 0 -> b[at] = (byte) rnd.nextInt(256);
                    case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                    default -> b = Arrays.copyOf(b, at);
                }
            }
            Path f = inner ? PickleBuilder.checkpoint(tmp.resolve("fuzz.pth"), b, Map.of("0", storage))
                    : Files.write(tmp.resolve("fuzz.pth"), b);
            try {
                PthReader.read(f);
            } catch (CheckpointException expected) {
                assertTrue(expected.getMessage().startsWith(f + ": "), expected.getMessage());
                assertFalse(expected.getMessage().contains("\n"), expected.getMessage());
            }
        }
        assertTrue(System.nanoTime() - start < 120e9, "fuzzing took too long");
    }
}
