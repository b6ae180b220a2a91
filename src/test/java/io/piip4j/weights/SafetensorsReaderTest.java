package io.piip4j.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .safetensors reader: real layouts round-trip; every lie a header can tell is refused, naming the file. */
class SafetensorsReaderTest {

    @TempDir
    Path tmp;

    private static NdArray of(DType d, long[] shape, byte[] bytes) {
        return new NdArray(d, shape, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void readsEveryDtypeAndTheMetadata() {
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2);
        ByteBuffer f32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(3.25f).putFloat(-0f);
        ByteBuffer f16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc000);
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3fc0).putShort((short) 0x4120);
        ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-7).putLong(1L << 40);
        ByteBuffer i32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-3).putInt(100000);
        ByteBuffer i16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -300).putShort((short) 5);
        byte[] bytes = new SafetensorsBuilder()
                .raw("f64", "F64", new long[] {2}, f64.array())
                .raw("f32", "F32", new long[] {1, 2}, f32.array())
                .raw("f16", "F16", new long[] {2}, f16.array())
                .raw("bf16", "BF16", new long[] {2}, bf16.array())
                .raw("i64", "I64", new long[] {2}, i64.array())
                .raw("i32", "I32", new long[] {2}, i32.array())
                .raw("i16", "I16", new long[] {2}, i16.array())
                .raw("i8", "I8", new long[] {2}, new byte[] {-1, 7})
                .raw("u8", "U8", new long[] {2}, new byte[] {(byte) 200, 7})
                .raw("bool", "BOOL", new long[] {2}, new byte[] {1, 0})
                .raw("scalar", "F32", new long[] {}, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(9).array())
                .raw("empty", "F32", new long[] {0, 3}, new byte[0])
                .metadata(Map.of("format", "pt"))
                .bytes();
        SafetensorsReader.Contents c = SafetensorsReader.read(bytes, "mem");
        assertEquals(List.of("f64", "f32", "f16", "bf16", "i64", "i32", "i16", "i8", "u8", "bool", "scalar", "empty"),
                List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("format", "pt"), c.metadata());
        Map<String, float[]> expect = new LinkedHashMap<>();
        expect.put("f64", new float[] {1.5f, -2f});
        expect.put("f32", new float[] {3.25f, -0f});
        expect.put("f16", new float[] {1f, -2f});
        expect.put("bf16", new float[] {1.5f, 10f});
        expect.put("i64", new float[] {-7f, 1L << 40});
        expect.put("i32", new float[] {-3f, 100000f});
        expect.put("i16", new float[] {-300f, 5f});
        expect.put("i8", new float[] {-1f, 7f});
        expect.put("u8", new float[] {200f, 7f});
        expect.put("bool", new float[] {1f, 0f});
        expect.put("scalar", new float[] {9f});
        expect.forEach((k, v) -> assertArrayEquals(v, c.tensors().get(k).toFloats(), k));
        assertArrayEquals(new long[] {1, 2}, c.tensors().get("f32").shape());
        assertArrayEquals(new long[] {0, 3}, c.tensors().get("empty").shape());
        assertEquals(DType.BFLOAT16, c.tensors().get("bf16").dtype());
    }

    @Test
    void goldenWeightsRoundTripThroughSafetensors() throws IOException {
        Map<String, NdArray> sd = PthReader.readStateDict(Golden.file("cls3_deit_merged", "weights.pth"));
        Path f = SafetensorsBuilder.write(tmp.resolve("model.safetensors"), sd);
        Map<String, NdArray> back = Checkpoints.readStateDict(f);
        assertEquals(List.copyOf(sd.keySet()), List.copyOf(back.keySet()));
        for (String k : sd.keySet()) {
            assertEquals(sd.get(k).dtype(), back.get(k).dtype(), k);
            assertArrayEquals(sd.get(k).shape(), back.get(k).shape(), k);
            assertEquals(sd.get(k).data(), back.get(k).data(), k);
        }
        // the dispatcher reads by extension, in any case; a .pth still goes through the pickle reader
        Path upper = Files.copy(f, tmp.resolve("MODEL.SafeTensors"));
        assertEquals(sd.keySet(), Checkpoints.readStateDict(upper).keySet());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.readStateDict(Files.copy(f, tmp.resolve("model.pth"))));
        assertTrue(e.getMessage().contains("not a zip archive"), e.getMessage());
    }

    @Test
    void moduleprefixIsDroppedAsForPth() {
        NdArray a = NdArray.ofFloats(new float[] {1, 2}, 2);
        byte[] bytes = new SafetensorsBuilder().tensor("module.a", a).tensor("module.b", a).bytes();
        Path f = write("ddp.safetensors", bytes);
        assertEquals(List.of("a", "b"), List.copyOf(SafetensorsReader.readStateDict(f).keySet()));
    }

    /** Header texts that must be refused, each with a word its message must contain. */
    @Test
    void lyingHeadersAreRefused() {
        String t = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        byte[] eight = new byte[8];
        Object[][] cases = {
            {t + "}", new byte[7], "truncated"},
            {t + "}", new byte[9], "trailing"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight, "needs 12 bytes"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight, "shape[0]"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", eight, "shape[0]"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", eight, "'shape'"},
            {"{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", eight, "'shape' is missing"},
            {"{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", eight, "'dtype' is missing"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", eight, "'data_offsets' is missing"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", eight, "[begin, end]"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", eight, "end before"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551615]}}", eight, "64-bit"},
            {"{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight, "unknown dtype 'Q4'"},
            {"{\"w\":{\"dtype\":\"U16\",\"shape\":[4],\"data_offsets\":[0,8]}}", eight, "does not support"},
            {"{\"w\":[1,2]}", eight, "not an object"},
            {t + ",\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight, "Duplicate field"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight, "overlaps"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight, "gap of 4 bytes"},
            {"{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                    + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[6,8]}}", eight, "gap of 2 bytes"},
            // a 4 TiB claim backed by 8 bytes: refused before anything is allocated
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,4398046511104]}}", eight, "larger than 2 GiB"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", eight, "impossibly large"},
            {t + ",\"__metadata__\":{\"a\":1}}", eight, "__metadata__.a is a number"},
            {t + ",\"__metadata__\":[]}", eight, "__metadata__ is not"},
            {t + "} x", eight, "not valid JSON"},
            {t, eight, "not valid JSON"},
            {"[1]     ", eight, "does not start with '{'"},
            {"  {}", new byte[0], "does not start with '{'"},
        };
        for (Object[] c : cases) {
            byte[] bytes = SafetensorsBuilder.assemble((String) c[0], (byte[]) c[1]);
            String m = refused(bytes);
            assertTrue(m.contains((String) c[2]), c[0] + " -> " + m);
        }
    }

    @Test
    void badLengthsAndEncodingsAreRefused() {
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(0);
        assertTrue(refused(huge.array()).contains("more than the limit"));
        ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L).putLong(0);
        assertTrue(refused(big.array()).contains("more than the limit"));
        ByteBuffer past = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        assertTrue(refused(past.array()).contains("truncated"));
        assertTrue(refused(new byte[5]).contains("truncated"));
        assertTrue(refused(new byte[0]).contains("empty"));
        byte[] latin = SafetensorsBuilder.assemble("{\"\u00e9\":1}", new byte[0]);
        latin[11] = (byte) 0xe9; // a lone latin-1 byte where UTF-8 was expected
        assertTrue(refused(latin).contains("UTF-8"));
        // unknown fields are skipped, as the reference does, but not past the nesting limit
        byte[] deep = SafetensorsBuilder.assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],"
                + "\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}", new byte[0]);
        assertTrue(refused(deep).contains("not valid JSON (Document nesting depth"), refused(deep));
        byte[] extra = SafetensorsBuilder.assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],"
                + "\"x\":{\"y\":[1,{}]}}}", new byte[0]);
        assertArrayEquals(new long[] {0}, SafetensorsReader.read(extra, "x").tensors().get("a").shape());
        byte[] manyDims = SafetensorsBuilder.assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":["
                + "1,".repeat(2000) + "1],\"data_offsets\":[0,4]}}", new byte[4]);
        assertTrue(refused(manyDims).contains("shape has more than 1024 entries"), refused(manyDims));
        // the empty file the reference writes for no tensors is fine
        assertTrue(SafetensorsReader.read(SafetensorsBuilder.assemble("{}", new byte[0]), "e").tensors().isEmpty());
    }

    @Test
    void fileProblemsNameTheFile() throws IOException {
        Path missing = tmp.resolve("none.safetensors");
        assertEquals(missing + ": no such file",
                assertThrows(CheckpointException.class, () -> SafetensorsReader.read(missing)).getMessage());
        assertTrue(assertThrows(CheckpointException.class, () -> SafetensorsReader.read(tmp)).getMessage()
                .endsWith("is a folder, not a .safetensors file"));
        byte[] good = new SafetensorsBuilder().tensor("w", NdArray.ofFloats(new float[] {1, 2, 3}, 3)).bytes();
        Path cut = write("cut.safetensors", Arrays.copyOf(good, good.length - 1));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsReader.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": truncated"), e.getMessage());
    }

    @Test
    void mutatedFilesNeverEscapeAsOtherErrors() {
        byte[] good = new SafetensorsBuilder()
                .tensor("a", NdArray.ofFloats(new float[] {1, 2, 3, 4}, 2, 2))
                .raw("b", "I64", new long[] {1}, new byte[8])
                .metadata(Map.of("format", "pt"))
                .bytes();
        Random rnd = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] b = good.clone();
                int edits = 1 + rnd.nextInt(4);
                for (int k = 0; k < edits && b.length > 0; k++) {
                    int at = rnd.nextInt(b.length);
                    switch (rnd.nextInt(3)) {
                        case 0 -> b[at] = (byte) rnd.nextInt(256);
                        case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                        default -> b = Arrays.copyOf(b, at);
                    }
                }
                try {
                    SafetensorsReader.read(b, "fuzz");
                } catch (CheckpointException expected) {
                    assertTrue(expected.getMessage().startsWith("fuzz: "), expected.getMessage());
                    assertFalse(expected.getMessage().contains("\n"), expected.getMessage());
                    assertFalse(expected.getMessage().contains("corrupt .safetensors"), expected.getMessage());
                }
            }
        });
    }

    private String refused(byte[] bytes) {
        Path f = write("bad.safetensors", bytes);
        CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(CheckpointException.class, () -> SafetensorsReader.read(f)));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(tmp.resolve(name), bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
