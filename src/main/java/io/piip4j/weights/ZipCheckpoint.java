package io.piip4j.weights;

import io.piip4j.tensor.DType;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The zip container of a {@code torch.save} file (PyTorch >= 1.6): finds the archive's folder,
 * reads {@code data.pkl}, and serves the {@code data/<key>} storages the pickle refers to, each
 * read once and checked against the sizes the zip records and its CRC, so that a damaged file is
 * reported as such instead of giving wrong weights.
 */
final class ZipCheckpoint implements SafeUnpickler.Storages, Closeable {

    /** Largest entry a Java array can hold. */
    private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8;
    /** Deflate cannot compress better than about 1032:1; a larger claimed size is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    /** Strided views may copy this much beyond {@link #COPY_FACTOR} times the storages read. */
    private static final long COPY_ALLOWANCE = 64L << 20;
    private static final long COPY_FACTOR = 4;
    /** torch never compresses; a compressed checkpoint may expand to this many times its file. */
    private static final long MAX_INFLATE_FACTOR = 4;

    private final ZipFile zip;
    private final long fileSize;
    private final String prefix;
    private final Map<String, byte[]> cache = new HashMap<>();
    private long loadedBytes;
    private long copiedBytes;
    /** Bytes read from stored entries: a zip whose entries do not overlap cannot exceed its file. */
    private long storedBytes;
    private long inflatedBytes;

    private ZipCheckpoint(ZipFile zip, long fileSize, String prefix) {
        this.zip = zip;
        this.fileSize = fileSize;
        this.prefix = prefix;
    }

    static ZipCheckpoint open(Path file, long fileSize) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw corrupt(FormatProblem.describe(e));
        }
        try {
            ZipCheckpoint c = new ZipCheckpoint(zip, fileSize, findPrefix(zip));
            c.checkByteOrder();
            return c;
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e instanceof FormatProblem ? e : corrupt(FormatProblem.describe(e));
        }
    }

    /** The folder all records live in: torch names it after the file (or "archive"). */
    private static String findPrefix(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.equals("data.pkl")) {
                return "";
            }
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                return name.substring(0, name.length() - "data.pkl".length());
            }
        }
        throw new FormatProblem("missing data.pkl (a zip archive, but not a PyTorch checkpoint)");
    }

    private void checkByteOrder() {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) {
            return; // written by torch >= 2.1 only; older files are little-endian
        }
        String order = new String(read(e, 64, "byteorder"), StandardCharsets.US_ASCII).trim();
        if (order.equals("big")) {
            throw new FormatProblem("big-endian checkpoint (byteorder 'big') is not supported");
        }
        if (!order.equals("little")) {
            throw new FormatProblem("unknown byteorder '" + FormatProblem.printable(order, 20) + "'");
        }
    }

    byte[] pickle(long maxBytes) {
        ZipEntry e = zip.getEntry(prefix + "data.pkl");
        if (e == null) {
            throw new FormatProblem("missing data.pkl");
        }
        return read(e, maxBytes, "data.pkl");
    }

    @Override
    public TorchStorage storage(String key, DType dtype, long numel) {
        String name = "data/" + key;
        String shown = FormatProblem.printable(name, 80);
        byte[] bytes = cache.get(key);
        if (bytes == null) {
            ZipEntry e = zip.getEntry(prefix + name);
            if (e == null || e.isDirectory()) {
                throw new FormatProblem("storage " + shown + " is missing from the archive");
            }
            bytes = read(e, MAX_ENTRY_BYTES, shown);
            cache.put(key, bytes);
            loadedBytes += bytes.length;
        }
        long nbytes;
        try {
            nbytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw new FormatProblem("storage " + shown + " claims an impossible size of " + numel + " elements");
        }
        if (nbytes > bytes.length) {
            throw new FormatProblem("storage " + shown + " should hold " + numel + " elements of " + dtype + " ("
                    + nbytes + " bytes), but the entry has " + bytes.length + " bytes");
        }
        return new TorchStorage(key, dtype, bytes, (int) nbytes);
    }

    @Override
    public void approveCopy(long bytes) {
        copiedBytes += bytes;
        if (copiedBytes > COPY_ALLOWANCE + COPY_FACTOR * loadedBytes) {
            throw new FormatProblem("strided tensor views would copy " + copiedBytes + " bytes out of "
                    + loadedBytes + " bytes of storage (too many overlapping views)");
        }
    }

    /** Reads a whole entry, allocating no more than the zip's own records justify. */
    private byte[] read(ZipEntry e, long maxBytes, String what) {
        long size = e.getSize();
        if (size < 0) {
            throw corrupt(what + " has no recorded size");
        }
        if (size > maxBytes) {
            throw new FormatProblem(what + " is " + size + " bytes, more than the limit of " + maxBytes);
        }
        boolean stored = e.getMethod() == ZipEntry.STORED;
        if (stored && size > fileSize) {
            throw corrupt(what + " claims " + size + " bytes, more than the file holds");
        }
        long csize = e.getCompressedSize();
        if (!stored && (csize < 0 || size > csize * MAX_DEFLATE_RATIO + 1024)) {
            throw corrupt(what + " claims an impossible compression ratio");
        }
        if (stored && storedBytes + size > fileSize) {
            throw corrupt("entries overlap: " + what + " takes the data read past the file's " + fileSize + " bytes");
        }
        if (!stored && inflatedBytes + size > MAX_INFLATE_FACTOR * fileSize + COPY_ALLOWANCE) {
            throw new FormatProblem("compressed entries expand to more than " + MAX_INFLATE_FACTOR
                    + " times the file's size (a zip bomb?)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b;
            if (stored) {
                b = new byte[(int) size];
                if (in.readNBytes(b, 0, b.length) != b.length) {
                    throw corrupt(what + " is cut short");
                }
            } else {
                b = in.readNBytes((int) size);
                if (b.length != size) {
                    throw corrupt(what + " is cut short");
                }
            }
            if (in.read() >= 0) {
                throw corrupt(what + " holds more bytes than recorded");
            }
            if (stored) {
                storedBytes += size;
            } else {
                inflatedBytes += size;
            }
            CRC32 crc = new CRC32();
            crc.update(b);
            if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
                throw corrupt(what + " fails its CRC check");
            }
            return b;
        } catch (IOException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException ex) {
            throw corrupt(what + ": " + FormatProblem.describe(ex));
        }
    }

    private static FormatProblem corrupt(String detail) {
        return new FormatProblem("truncated or corrupt zip archive (" + detail + ")");
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing was written; the handle is gone either way
        }
    }

    @Override
    public void close() {
        cache.clear();
        closeQuietly(zip);
    }
}
