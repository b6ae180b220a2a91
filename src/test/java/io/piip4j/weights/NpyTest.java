package io.piip4j.weights;

import static io.piip4j.testing.ArrayAsserts.assertSameArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    /** np.save of np.arange(6, dtype='<f4').reshape(2, 3) (numpy 2.4). */
    private static final String NUMPY_V1_F4 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAg"
            + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAEAAAEBAAACAQAAAoEA=";
    /** write_array(version=(2, 0)) of np.array([1, -2, 3], dtype='<i2'). */
    private static final String NUMPY_V2_I2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8aTInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAg"
            + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAP7/AwA=";
    /** write_array(version=(3, 0)) of np.array([True, False]). */
    private static final String NUMPY_V3_B1 = "k05VTVBZAwB0AAAAeydkZXNjcic6ICd8YjEnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAg"
            + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAA==";

    /** Characters that make plausible-looking but wrong headers. */
    private static final String ALPHABET = " ,()'{}:0123456789TrueFalse<>|fiub\n";

    @TempDir
    Path tmp;

    private static NdArray random(DType dtype, long... shape) {
        byte[] b = new byte[Math.toIntExact(NdArray.numel(shape) * dtype.byteSize())];
        new Random(dtype.ordinal()).nextBytes(b);
        if (dtype == DType.BOOL) {
            for (int i = 0; i < b.length; i++) {
                b[i] &= 1;
            }
        }
        return new NdArray(dtype, shape, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void roundTripsEveryNumpyDtype() {
        for (DType d : DType.values()) {
            if (d == DType.BFLOAT16) {
                continue;
            }
            for (long[] shape : new long[][] {{}, {0}, {5}, {2, 3, 4}}) {
                NdArray a = random(d, shape);
                Path f = tmp.resolve(d + ".npy");
                Npy.write(f, a);
                assertSameArray(a, Npy.read(f), d + " " + Arrays.toString(shape));
            }
        }
    }

    @Test
    void readsWhatNumpyWritesAndWritesTheSameBytes() throws IOException {
        Path v1 = Files.write(tmp.resolve("v1.npy"), Base64.getDecoder().decode(NUMPY_V1_F4));
        NdArray a = Npy.read(v1);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.toFloats());
        Path mine = tmp.resolve("mine.npy");
        Npy.write(mine, a);
        assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(mine));

        NdArray s = Npy.read(Files.write(tmp.resolve("v2.npy"), Base64.getDecoder().decode(NUMPY_V2_I2)));
        assertEquals(DType.INT16, s.dtype());
        assertArrayEquals(new float[] {1, -2, 3}, s.toFloats());

        NdArray b = Npy.read(Files.write(tmp.resolve("v3.npy"), Base64.getDecoder().decode(NUMPY_V3_B1)));
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new float[] {1, 0}, b.toFloats());
    }

    /** A .npy file with this header dict and data, laid out as numpy does. */
    private Path npy(String name, int version, String dict, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        byte[] h = (dict + "\n").getBytes(StandardCharsets.UTF_8);
        if (version == 1) {
            out.writeBytes(new byte[] {(byte) h.length, (byte) (h.length >> 8)});
        } else {
            out.writeBytes(new byte[] {(byte) h.length, (byte) (h.length >> 8), (byte) (h.length >> 16), 0});
        }
        out.writeBytes(h);
        out.writeBytes(data);
        return Files.write(tmp.resolve(name), out.toByteArray());
    }

    private static String failure(Path f) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Npy.read(f), f.toString());
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void headerVariantsNumpyAccepts() throws IOException {
        Path f = npy("py2.npy", 1, "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<i8\"}", new byte[16]);
        assertArrayEquals(new long[] {2}, Npy.read(f).shape());
        Path u = npy("u1.npy", 1, "{'descr': '<u1', 'fortran_order': False, 'shape': (3,)}", new byte[3]);
        assertEquals(DType.UINT8, Npy.read(u).dtype());
    }

    @Test
    void refusesWhatItCannotRepresent() throws IOException {
        assertTrue(failure(npy("fortran.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                new byte[16])).contains("Fortran"));
        assertTrue(failure(npy("big.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                new byte[8])).contains("big-endian"));
        assertTrue(failure(npy("u4.npy", 1, "{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }",
                new byte[8])).contains("unsupported dtype '<u4'"));
        assertTrue(failure(npy("struct.npy", 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
                new byte[8])).contains("structured"));
        assertTrue(failure(npy("short.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                new byte[8])).contains("truncated"));
        assertTrue(failure(npy("long.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                new byte[8])).contains("data size mismatch"));
        assertTrue(failure(npy("huge.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
                new byte[8])).contains("too large"));
        assertTrue(failure(npy("keys.npy", 1, "{'descr': '<f4', 'shape': (1,), }", new byte[4])).contains("keys"));
        assertTrue(failure(npy("v9.npy", 9, "{}", new byte[0])).contains("version 9.0"));
        assertTrue(failure(Files.write(tmp.resolve("magic.npy"), "PK\3\4 not numpy".getBytes(StandardCharsets.US_ASCII)))
                .contains("bad magic"));
        assertTrue(failure(Files.write(tmp.resolve("empty.npy"), new byte[0])).contains("empty"));
        assertTrue(failure(tmp.resolve("absent.npy")).endsWith("no such file"));
        byte[] good = Base64.getDecoder().decode(NUMPY_V1_F4);
        assertTrue(failure(Files.write(tmp.resolve("cut.npy"), Arrays.copyOf(good, 40))).contains("truncated"));

        Path bf = tmp.resolve("bf16.npy");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Npy.write(bf, random(DType.BFLOAT16, 2)));
        assertTrue(e.getMessage().startsWith(bf + ": cannot write BFLOAT16"), e.getMessage());
        assertFalse(Files.exists(bf));
    }

    @Test
    void mutatedFilesNeverEscapeAsOtherErrors() throws IOException {
        byte[] good = Base64.getDecoder().decode(NUMPY_V1_F4);
        Random rnd = new Random(7);
        Path f = tmp.resolve("fuzz.npy");
        for (int i = 0; i < 3000; i++) {
            byte[] b = good.clone();
            int edits = 1 + rnd.nextInt(3);
            for (int k = 0; k < edits && b.length > 0; k++) {
                int at = rnd.nextInt(Math.min(b.length, 140));
                switch (rnd.nextInt(3)) {
                    case 0 -> b[at] = (byte) rnd.nextInt(256);
                    case 1 -> b[at] = (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
                    default -> b = Arrays.copyOf(b, at);
                }
            }
            Files.write(f, b);
            try {
                Npy.read(f);
            } catch (CheckpointException expected) {
                assertTrue(expected.getMessage().startsWith(f + ": "), expected.getMessage());
            }
        }
    }
}
