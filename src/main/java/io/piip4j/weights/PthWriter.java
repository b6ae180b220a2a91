package io.piip4j.weights;

import io.piip4j.tensor.NdArray;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a checkpoint that {@code torch.load} reads (also with {@code weights_only=True}): the
 * zip layout of {@code torch.save} with {@code <archive>/data.pkl}, {@code byteorder}, one
 * uncompressed {@code data/<key>} entry per tensor, 64-byte aligned as torch aligns them, and
 * {@code version}. Values may be nested maps, lists, strings, numbers, booleans, null, byte
 * arrays and {@link NdArray}s. The file is replaced atomically.
 */
public final class PthWriter {

    private static final int ALIGN = 64;
    private static final int LOCAL_HEADER_BYTES = 30;
    /** The extra-field id torch pads with ("FB"). */
    private static final int PAD_FIELD_ID = 0x4246;
    private static final LocalDateTime TIMESTAMP = LocalDateTime.of(2000, 1, 1, 0, 0);

    private PthWriter() {
    }

    public static void write(Path file, Map<String, ?> checkpoint) {
        PickleEncoder encoder = new PickleEncoder();
        byte[] pickle;
        try {
            pickle = encoder.encode(checkpoint);
        } catch (FormatProblem p) {
            throw new CheckpointException(file + ": cannot write (" + p.getMessage() + ")");
        } catch (StackOverflowError e) {
            throw new CheckpointException(file + ": cannot write (value nested too deeply)");
        }
        String archive = archiveName(file);
        List<NdArray> storages = encoder.storages();
        AtomicFiles.write(file, out -> {
            CountingStream counter = new CountingStream(out);
            ZipOutputStream zip = new ZipOutputStream(counter, StandardCharsets.UTF_8);
            entry(zip, counter, archive + "/data.pkl", ByteBuffer.wrap(pickle));
            entry(zip, counter, archive + "/byteorder", ByteBuffer.wrap("little".getBytes(StandardCharsets.US_ASCII)));
            for (int i = 0; i < storages.size(); i++) {
                entry(zip, counter, archive + "/data/" + i, storages.get(i).data());
            }
            entry(zip, counter, archive + "/version", ByteBuffer.wrap("3\n".getBytes(StandardCharsets.US_ASCII)));
            zip.finish();
        });
    }

    /** torch names the folder inside the zip after the file. */
    static String archiveName(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return stem.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}") ? stem : "archive";
    }

    private static void entry(ZipOutputStream zip, CountingStream counter, String name, ByteBuffer data)
            throws IOException {
        ByteBuffer d = data.duplicate();
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(d.remaining());
        e.setCompressedSize(d.remaining());
        CRC32 crc = new CRC32();
        crc.update(d.duplicate());
        e.setCrc(crc.getValue());
        e.setTimeLocal(TIMESTAMP);
        long dataStart = counter.count + LOCAL_HEADER_BYTES + name.getBytes(StandardCharsets.UTF_8).length + 4;
        int pad = (int) ((ALIGN - dataStart % ALIGN) % ALIGN);
        byte[] extra = new byte[4 + pad];
        extra[0] = (byte) PAD_FIELD_ID;
        extra[1] = (byte) (PAD_FIELD_ID >>> 8);
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >>> 8);
        e.setExtra(extra);
        zip.putNextEntry(e);
        if (d.hasArray()) {
            zip.write(d.array(), d.arrayOffset() + d.position(), d.remaining());
        } else {
            byte[] chunk = new byte[Math.min(d.remaining(), 1 << 20)];
            while (d.hasRemaining()) {
                int n = Math.min(chunk.length, d.remaining());
                d.get(chunk, 0, n);
                zip.write(chunk, 0, n);
            }
        }
        zip.closeEntry();
    }

    /** Counts the bytes written so far, to place each entry's data on an aligned offset. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
