package io.piip4j.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An IDX file (the MNIST format): two zero bytes, an element-type byte, the number of dimensions,
 * each dimension as a big-endian int32, then the elements in row-major order. Only unsigned bytes
 * (type 0x08), the type of every MNIST-style image and label file, are accepted. Files may be
 * gzip-compressed ({@code .gz}, detected by content). The header is never trusted for memory: the
 * data is read in chunks and must match the header's element count exactly, so a hostile header
 * cannot make the reader allocate more than the file holds.
 *
 * @param dims the dimensions, e.g. {@code [60000, 28, 28]} for images, {@code [60000]} for labels
 * @param data the elements, {@code product(dims)} bytes
 */
public record IdxFile(int[] dims, byte[] data) {
    private static final int UBYTE = 0x08;
    private static final int MAX_DIMS = 8;

    public long count() {
        return dims.length == 0 ? 0 : dims[0];
    }

    public static IdxFile read(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new DataException(name + ": is a directory, not an IDX file");
        }
        boolean gz = false;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            gz = b0 == 0x1f && b1 == 0x8b;
            InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw;
            return read(in, name);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file");
        } catch (ZipException e) {
            throw new DataException(name + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw new DataException(name + ": truncated " + (gz ? "gzip stream" : "file") + " (unexpected end of data)");
        } catch (IOException e) {
            throw new DataException(name + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static IdxFile read(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DataException(name + ": not an IDX file (" + magic.length + " bytes, the header alone takes 4)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataException(name + ": not an IDX file (magic " + hex(magic) + ", expected 00 00 08 nn)");
        }
        int type = magic[2] & 0xFF;
        int ndims = magic[3] & 0xFF;
        if (type != UBYTE) {
            throw new DataException(name + ": IDX element type 0x" + String.format("%02x", type)
                    + " is not supported (only unsigned bytes, 0x08, as in MNIST files)");
        }
        if (ndims < 1 || ndims > MAX_DIMS) {
            throw new DataException(name + ": IDX header declares " + ndims + " dimensions (expected 1.." + MAX_DIMS + ")");
        }
        byte[] dimBytes = in.readNBytes(4 * ndims);
        if (dimBytes.length < 4 * ndims) {
            throw new DataException(name + ": truncated header (" + ndims + " dimensions declared, file ends inside them)");
        }
        int[] dims = new int[ndims];
        long total = 1;
        for (int i = 0; i < ndims; i++) {
            int d = ((dimBytes[4 * i] & 0xFF) << 24) | ((dimBytes[4 * i + 1] & 0xFF) << 16)
                    | ((dimBytes[4 * i + 2] & 0xFF) << 8) | (dimBytes[4 * i + 3] & 0xFF);
            if (d < 0) {
                throw new DataException(name + ": dimension " + i + " is negative (" + Integer.toUnsignedString(d) + " as unsigned) in the IDX header");
            }
            dims[i] = d;
            total *= d; // both factors are below 2^31, so this cannot overflow before the check
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(name + ": IDX header dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " declare more elements than one array can hold");
            }
        }
        // read in chunks: the buffer grows with what the file really holds, never with the header
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(total, 1 << 20));
        byte[] chunk = new byte[1 << 16];
        long remaining = total;
        while (remaining > 0) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, remaining));
            if (n < 0) {
                throw new DataException(name + ": truncated: header " + Arrays.toString(dims) + " declares " + total
                        + " bytes of data, the file holds " + (total - remaining));
            }
            out.write(chunk, 0, n);
            remaining -= n;
        }
        if (in.read() >= 0) {
            throw new DataException(name + ": " + "trailing bytes after the " + total + " data bytes that header "
                    + Arrays.toString(dims) + " declares");
        }
        return new IdxFile(dims, out.toByteArray());
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", x & 0xFF));
        }
        return sb.toString();
    }
}
