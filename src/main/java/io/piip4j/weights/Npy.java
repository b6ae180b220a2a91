package io.piip4j.weights;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes numpy {@code .npy} files (format versions 1, 2 and 3), the plain array
 * exchange format for inputs and outputs: little-endian, C order, the dtypes of {@link DType}
 * except bfloat16 (numpy has none). Anything else is refused with a {@link CheckpointException}
 * naming the file, before any data is allocated.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    private Npy() {
    }

    public static NdArray read(Path file) {
        String name = file.toString();
        try {
            return readChecked(file);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw FormatProblem.wrap(name, ".npy file", "nested too deeply to load", e);
        }
    }

    /** Writes the array as a version 1.0 file (2.0 for very long headers), atomically. */
    public static void write(Path file, NdArray array) {
        String descr = array.dtype().npyDescr();
        if (descr == null) {
            throw new CheckpointException(file + ": cannot write " + array.dtype()
                    + " as .npy (numpy has no such dtype; convert to float32 first)");
        }
        byte[] header = header(new NpyHeader(descr, false, array.shape()));
        AtomicFiles.write(file, out -> {
            out.write(header);
            ByteBuffer data = array.data().duplicate();
            if (data.hasArray()) {
                out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            } else {
                Channels.newChannel(out).write(data);
            }
        });
    }

    /** Magic, version, length and the padded dict, laid out as numpy does. */
    static byte[] header(NpyHeader h) {
        byte[] dict = h.format().getBytes(StandardCharsets.US_ASCII);
        int hlen = dict.length + 1;
        int version = 1;
        int prefix = MAGIC.length + 2 + 2;
        int pad = ALIGN - ((prefix + hlen) % ALIGN);
        if (hlen + pad > 0xffff) {
            version = 2;
            prefix = MAGIC.length + 2 + 4;
            pad = ALIGN - ((prefix + hlen) % ALIGN);
        }
        int total = hlen + pad;
        ByteBuffer b = ByteBuffer.allocate(prefix + total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) total);
        } else {
            b.putInt(total);
        }
        b.put(dict);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static NdArray readChecked(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new FormatProblem("no such file");
        }
        if (Files.isDirectory(file)) {
            throw new FormatProblem("is a folder, not a .npy file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new FormatProblem("empty file (0 bytes), not a .npy file");
            }
            ByteBuffer lead = readAt(ch, 0, (int) Math.min(size, 12));
            for (int i = 0; i < MAGIC.length; i++) {
                if (i >= lead.limit() || lead.get(i) != MAGIC[i]) {
                    throw new FormatProblem("not a .npy file (bad magic)");
                }
            }
            if (lead.limit() < 10) {
                throw new FormatProblem("truncated .npy file (ends inside its header)");
            }
            int major = lead.get(6) & 0xff;
            int minor = lead.get(7) & 0xff;
            if (major < 1 || major > 3 || minor != 0) {
                throw new FormatProblem("unsupported .npy format version " + major + "." + minor);
            }
            long headerStart = major == 1 ? 10 : 12;
            if (size < headerStart) {
                throw new FormatProblem("truncated .npy file (ends inside its header)");
            }
            long hlen = major == 1 ? lead.getShort(8) & 0xffff : lead.getInt(8) & 0xffffffffL;
            if (hlen > MAX_HEADER_BYTES) {
                throw new FormatProblem("header of " + hlen + " bytes is implausibly long");
            }
            if (headerStart + hlen > size) {
                throw new FormatProblem("truncated .npy file (ends inside its header)");
            }
            byte[] raw = new byte[(int) hlen];
            readAt(ch, headerStart, raw.length).get(raw);
            String text = new String(raw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            NpyHeader h = NpyHeader.parse(text);
            if (h.fortranOrder()) {
                throw new FormatProblem("Fortran-order arrays are not supported (save with np.ascontiguousarray)");
            }
            DType dtype = dtype(h.descr());
            long bytes;
            try {
                bytes = Math.multiplyExact(NdArray.numel(h.shape()), (long) dtype.byteSize());
            } catch (ArithmeticException overflow) {
                throw new FormatProblem("shape " + java.util.Arrays.toString(h.shape()) + " is too large");
            }
            long available = size - headerStart - hlen;
            if (bytes > available) {
                throw new FormatProblem("truncated .npy file (shape " + java.util.Arrays.toString(h.shape())
                        + " of " + h.descr() + " needs " + bytes + " bytes of data, the file has " + available + ")");
            }
            if (bytes < available) {
                throw new FormatProblem("data size mismatch (shape " + java.util.Arrays.toString(h.shape())
                        + " of " + h.descr() + " needs " + bytes + " bytes, the file has " + available + ")");
            }
            if (bytes > MAX_DATA_BYTES) {
                throw new FormatProblem("array of " + bytes + " bytes is larger than 2 GiB (not supported)");
            }
            ByteBuffer data = readAt(ch, headerStart + hlen, (int) bytes);
            return new NdArray(dtype, h.shape(), data.order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    private static DType dtype(String descr) {
        if (descr.startsWith(">")) {
            throw new FormatProblem("big-endian data ('" + FormatProblem.printable(descr, 20)
                    + "') is not supported; save it little-endian with arr.astype(arr.dtype.newbyteorder('<'))");
        }
        for (DType d : DType.values()) {
            String mine = d.npyDescr();
            if (mine == null) {
                continue;
            }
            // numpy spells one-byte types with '|'; accept '<' for them too
            if (mine.equals(descr) || (d.byteSize() == 1 && descr.equals("<" + mine.substring(1)))) {
                return d;
            }
        }
        StringBuilder supported = new StringBuilder();
        for (DType d : DType.values()) {
            if (d.npyDescr() != null) {
                supported.append(' ').append(d.npyDescr());
            }
        }
        throw new FormatProblem("unsupported dtype '" + FormatProblem.printable(descr, 20) + "' (supported:"
                + supported + ")");
    }

    /** Reads exactly n bytes at the position; the caller has checked the file holds them. */
    private static ByteBuffer readAt(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new FormatProblem("truncated .npy file (ends early)");
            }
        }
        return b.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
}
