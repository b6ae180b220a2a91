package io.piip4j.weights;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files crafted to make a reader hang, run out of memory or overflow its stack: each is refused quickly. */
class HostileInputTest {

    private static final Duration QUICK = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private String refused(Path f) {
        CheckpointException e = assertTimeoutPreemptively(QUICK,
                () -> assertThrows(CheckpointException.class, () -> PthReader.read(f)));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private Path ckpt(String name, byte[] pickle) {
        return PickleBuilder.checkpoint(tmp.resolve(name), pickle, Map.of());
    }

    @Test
    void copyingOneLargeObjectOverAndOverIsCutShort() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2, '}', '('});
        for (int i = 0; i < 100_000; i++) {
            p.writeBytes(new byte[] {'J', (byte) i, (byte) (i >> 8), (byte) (i >> 16), 0, 'N'});
        }
        p.writeBytes(new byte[] {'u', 'q', 0});
        p.writeBytes("ccollections\nOrderedDict\nq\1".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 200_000; i++) {
            p.writeBytes(new byte[] {'h', 1, 'h', 0, (byte) 0x85, 'R', '0'});
        }
        p.write('.');
        assertTrue(refused(ckpt("copies.pth", p.toByteArray())).contains("than its size justifies"));
    }

    @Test
    void reusingATupleKeyStaysCheap() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2, '}', '('});
        for (int i = 0; i < 999; i++) {
            p.writeBytes(new byte[] {'K', (byte) i});
        }
        p.writeBytes(new byte[] {'t', 'q', 0, '0'});
        for (int i = 0; i < 500_000; i++) {
            p.writeBytes(new byte[] {'h', 0, 'N', 's'});
        }
        p.write('.');
        Path f = ckpt("tuplekey.pth", p.toByteArray());
        Object o = assertTimeoutPreemptively(QUICK, () -> PthReader.read(f));
        assertTrue(o instanceof Map<?, ?> m && m.size() == 1);
    }

    @Test
    void deepNestingAndManyMarksNeitherOverflowNorHang() {
        int depth = 1_000_000;
        byte[] nested = new byte[2 + 2 * depth];
        nested[0] = (byte) 0x80;
        nested[1] = 2;
        Arrays.fill(nested, 2, 2 + depth, (byte) ']');
        Arrays.fill(nested, 2 + depth, 1 + 2 * depth, (byte) 'a');
        nested[nested.length - 1] = '.';
        Path f = ckpt("deep.pth", nested);
        Object tree = assertTimeoutPreemptively(QUICK, () -> PthReader.read(f));
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.stateDict(tree, "deep.pth"))
                .getMessage().contains("holds a list"));
        Path out = tmp.resolve("deep_out.pth");
        assertTrue(assertThrows(CheckpointException.class, () -> PthWriter.write(out, Map.of("x", tree)))
                .getMessage().contains("nested too deeply"));

        byte[] marks = new byte[5_000_000];
        Arrays.fill(marks, (byte) '(');
        marks[marks.length - 1] = '.';
        refused(ckpt("marks.pth", marks));
    }

    /**
     * One-byte opcodes that each build an object (an empty dict is some 70 bytes of heap) cannot
     * fill the heap: the objects' estimated size is held to 8 times the pickle's size (128 MiB at
     * least), so a 24 MiB pickle is refused long before the gigabytes it would otherwise build.
     */
    @Test
    void manySmallObjectsCannotFillTheHeap() {
        for (byte op : new byte[] {'}', ']', (byte) 0x8f}) {
            int n = 24 << 20;
            byte[] p = new byte[n + 3];
            p[0] = (byte) 0x80;
            p[1] = 2;
            Arrays.fill(p, 2, n + 2, op);
            p[n + 2] = '.';
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long before = rt.totalMemory() - rt.freeMemory();
            String m = refused(ckpt("many.pth", p));
            assertTrue(m.contains("MiB of objects"), m);
            long after = rt.totalMemory() - rt.freeMemory();
            assertTrue(after - before < (1L << 30), "heap grew by " + ((after - before) >> 20) + " MiB");
        }
    }

    @Test
    void lengthFieldsCannotForceHugeAllocations() {
        byte[][] pickles = {
            {(byte) 0x80, 2, 'X', (byte) 0xf0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a', '.'},
            {(byte) 0x80, 4, (byte) 0x8d, 0, 0, 0, 0, 0, 0, 0, 0x7f, 'a', '.'},
            {(byte) 0x80, 2, (byte) 0x8b, 0, (byte) 0xca, (byte) 0x9a, 0x3b, 1, '.'},
            {(byte) 0x80, 4, (byte) 0x8e, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, '.'},
            ("L" + "9".repeat(100_000) + "L\n.").getBytes(StandardCharsets.US_ASCII),
        };
        for (int i = 0; i < pickles.length; i++) {
            refused(ckpt("len" + i + ".pth", pickles[i]));
        }
    }

    @Test
    void overlappingZipEntriesAreNotReadTwice() throws IOException {
        byte[] storage = new byte[1 << 20];
        byte[] pickle = PickleBuilder.proto2().op('}', '(')
                .str("a").tensor("FloatStorage", "0", 1 << 18, 0, new long[] {1 << 18}, new long[] {1})
                .str("b").tensor("FloatStorage", "1", 1 << 18, 0, new long[] {1 << 18}, new long[] {1})
                .op('u').stop().bytes();
        Path f = PickleBuilder.checkpoint(tmp.resolve("overlap.pth"), pickle, Map.of("0", storage));
        Files.write(f, duplicateCentralRecord(Files.readAllBytes(f), "archive/data/0", "archive/data/1"));
        assertTrue(refused(f).contains("overlap"));
    }

    /** Adds a second central-directory record pointing at the same local entry under another name. */
    private static byte[] duplicateCentralRecord(byte[] zip, String from, String to) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = zip.length - 22;
        while (b.getInt(eocd) != 0x06054b50) {
            eocd--;
        }
        int cdSize = b.getInt(eocd + 12);
        int cdOffset = b.getInt(eocd + 16);
        int pos = cdOffset;
        byte[] record = null;
        while (pos < cdOffset + cdSize) {
            int len = 46 + (b.getShort(pos + 28) & 0xffff) + (b.getShort(pos + 30) & 0xffff) + (b.getShort(pos + 32) & 0xffff);
            String name = new String(zip, pos + 46, b.getShort(pos + 28) & 0xffff, StandardCharsets.UTF_8);
            if (name.equals(from)) {
                record = Arrays.copyOfRange(zip, pos, pos + len);
            }
            pos += len;
        }
        byte[] newName = to.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(newName, 0, record, 46, newName.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(zip, 0, cdOffset + cdSize);
        out.writeBytes(record);
        ByteBuffer end = ByteBuffer.wrap(Arrays.copyOfRange(zip, eocd, zip.length)).order(ByteOrder.LITTLE_ENDIAN);
        end.putShort(8, (short) (end.getShort(8) + 1));
        end.putShort(10, (short) (end.getShort(10) + 1));
        end.putInt(12, cdSize + record.length);
        out.writeBytes(end.array());
        return out.toByteArray();
    }
}
