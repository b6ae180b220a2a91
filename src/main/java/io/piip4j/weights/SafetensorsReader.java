package io.piip4j.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Hugging Face {@code .safetensors} files: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw little-endian data. The
 * format cannot carry code, but its header can lie, so everything is checked before any tensor
 * memory is allocated, as the reference implementation does: the header's length and JSON
 * (duplicate keys refused), each dtype, that shape × element size equals the tensor's byte range,
 * and that the ranges tile the data section exactly (start at 0, contiguous, no gaps or overlaps,
 * ending at the end of the file). Tensors are then read into heap buffers, so no file can make the
 * reader allocate more than its own size.
 *
 * <p>Supported dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL. Every problem is a
 * {@link CheckpointException} with a one-line message naming the file.
 */
public final class SafetensorsReader {

    /** What a file holds: tensors in header order, and the optional {@code __metadata__} strings. */
    public record Contents(Map<String, NdArray> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(tensors);
            metadata = Collections.unmodifiableMap(metadata);
        }
    }

    /** The reference implementation refuses longer headers (100 MB). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;
    private static final String METADATA = "__metadata__";

    /** More dimensions than any tensor library allows. */
    private static final int MAX_DIMS = 1024;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(100).build())
            .build();

    private SafetensorsReader() {
    }

    /** The tensors and metadata of a file. */
    public static Contents read(Path file) {
        String name = file.toString();
        try {
            if (!Files.exists(file)) {
                throw new FormatProblem("no such file");
            }
            if (Files.isDirectory(file)) {
                throw new FormatProblem("is a folder, not a .safetensors file");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return parse(new ChannelSource(ch));
            }
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError t) {
            throw wrap(name, t);
        }
    }

    /** The model weights: the file's tensors, with a {@code module.} prefix on every key dropped. */
    public static Map<String, NdArray> readStateDict(Path file) {
        return PthReader.stateDict(read(file).tensors(), file.toString());
    }

    /** Parses a whole file held in memory; {@code name} starts every error message. */
    public static Contents read(byte[] bytes, String name) {
        try {
            return parse(new ArraySource(bytes));
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError t) {
            throw wrap(name, t);
        }
    }

    private static CheckpointException wrap(String name, Throwable t) {
        return FormatProblem.wrap(name, ".safetensors file", "header nested too deeply", t);
    }

    // ---- parsing -----------------------------------------------------------------------------

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private static Contents parse(Source src) throws IOException {
        long size = src.size();
        if (size == 0) {
            throw new FormatProblem("empty file (0 bytes), not a .safetensors file");
        }
        if (size < 8) {
            throw new FormatProblem("truncated .safetensors file (" + size + " bytes, shorter than its 8-byte header length)");
        }
        ByteBuffer lead = ByteBuffer.allocate(8);
        src.read(0, lead);
        long n = lead.flip().order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new FormatProblem("header length " + Long.toUnsignedString(n) + " is more than the limit of "
                    + MAX_HEADER_BYTES + " bytes (not a .safetensors file?)");
        }
        if (n < 2) {
            throw new FormatProblem("header of " + n + " bytes is too short to hold a JSON object");
        }
        if (8 + n > size) {
            throw new FormatProblem("truncated .safetensors file (header of " + n + " bytes, but the file has "
                    + (size - 8) + " bytes after the length)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        src.read(8, hb);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new FormatProblem("header is not valid UTF-8 (not a .safetensors file?)");
        }
        if (!text.startsWith("{")) {
            throw new FormatProblem("header does not start with '{' (not a .safetensors file?)");
        }
        long dataStart = 8 + n;
        long dataBytes = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries;
        try (JsonParser p = JSON.createParser(text)) {
            entries = header(p, metadata);
        } catch (JsonProcessingException e) {
            throw new FormatProblem("header is not valid JSON (" + FormatProblem.printable(e.getOriginalMessage(), 160)
                    + (e.getLocation() != null ? " at character " + e.getLocation().getCharOffset() : "") + ")");
        }
        checkTiling(entries, dataBytes);
        Map<String, NdArray> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer data = ByteBuffer.allocate((int) (e.end() - e.begin()));
            src.read(dataStart + e.begin(), data);
            tensors.put(e.name(), new NdArray(e.dtype(), e.shape(), data.flip().asReadOnlyBuffer()));
        }
        return new Contents(tensors, metadata);
    }

    /**
     * The header, read as a stream of tokens rather than a tree, so that what it costs in memory
     * stays a small multiple of its length whatever it holds.
     */
    private static List<Entry> header(JsonParser p, Map<String, String> metadata) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new FormatProblem("header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals(METADATA)) {
                metadata(p, t, metadata);
            } else {
                entries.add(entry(p, name, t));
            }
        }
        if (p.nextToken() != null) {
            throw new FormatProblem("header is not valid JSON (text after the object)");
        }
        return entries;
    }

    private static void metadata(JsonParser p, JsonToken t, Map<String, String> out) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new FormatProblem(METADATA + " is not a JSON object of strings");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
                throw new FormatProblem(METADATA + "." + shown(key) + " is a " + kind(v) + ", not a string");
            }
            out.put(key, p.getText());
        }
    }

    private static Entry entry(JsonParser p, String name, JsonToken t) throws IOException {
        String where = "tensor '" + shown(name) + "'";
        if (t != JsonToken.START_OBJECT) {
            throw new FormatProblem(where + " is described by a " + kind(t) + ", not an object");
        }
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (v != JsonToken.VALUE_STRING) {
                        throw new FormatProblem(where + ": 'dtype' is a " + kind(v) + ", not a string");
                    }
                    dtypeName = p.getText();
                }
                case "shape" -> {
                    if (v != JsonToken.START_ARRAY) {
                        throw new FormatProblem(where + ": 'shape' is a " + kind(v) + ", not a list");
                    }
                    shape = integers(p, where + ": shape", MAX_DIMS);
                }
                case "data_offsets" -> {
                    if (v != JsonToken.START_ARRAY) {
                        throw new FormatProblem(where + ": 'data_offsets' is a " + kind(v) + ", not [begin, end]");
                    }
                    offsets = integers(p, where + ": data_offsets", 2);
                    if (offsets.length != 2) {
                        throw new FormatProblem(where + ": 'data_offsets' is a list of " + offsets.length
                                + " numbers, not [begin, end]");
                    }
                }
                default -> p.skipChildren(); // as the reference, other fields are ignored
            }
        }
        for (Object[] req : new Object[][] {{"dtype", dtypeName}, {"shape", shape}, {"data_offsets", offsets}}) {
            if (req[1] == null) {
                throw new FormatProblem(where + ": '" + req[0] + "' is missing");
            }
        }
        DType dtype = dtype(dtypeName, where);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new FormatProblem(where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long nbytes;
        try {
            nbytes = Math.multiplyExact(NdArray.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw new FormatProblem(where + ": shape " + Arrays.toString(shape) + " is impossibly large");
        }
        if (nbytes != end - begin) {
            throw new FormatProblem(where + ": shape " + Arrays.toString(shape) + " of " + dtypeName + " needs "
                    + nbytes + " bytes, but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        if (nbytes > MAX_TENSOR_BYTES) {
            throw new FormatProblem(where + " is " + nbytes + " bytes, larger than 2 GiB (not supported)");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** The non-negative 64-bit integers of the array the parser has just entered (at most {@code max}, plus one to tell). */
    private static long[] integers(JsonParser p, String what, int max) throws IOException {
        long[] out = new long[Math.min(max, 8) + 1];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String at = what + "[" + n + "]";
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new FormatProblem(at + " is a " + kind(t) + ", not a non-negative integer");
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw new FormatProblem(at + " is " + FormatProblem.printable(p.getText(), 40)
                        + ", not a non-negative 64-bit integer");
            }
            if (n > max) {
                throw new FormatProblem(what + " has more than " + max + " entries");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, Math.min(max + 1, 2 * out.length));
            }
            out[n++] = p.getLongValue();
        }
        return Arrays.copyOf(out, n);
    }

    /** The byte ranges, sorted, must cover [0, dataBytes) exactly once. */
    private static void checkTiling(List<Entry> entries, long dataBytes) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.begin() != at) {
                String what = e.begin() < at ? "overlaps the tensor before it" : "leaves a gap of "
                        + (e.begin() - at) + " bytes before it";
                throw new FormatProblem("tensor '" + shown(e.name()) + "' (data_offsets [" + e.begin() + ", " + e.end()
                        + "]) " + what + ": tensors must tile the data section without gaps or overlaps");
            }
            at = e.end();
        }
        if (at != dataBytes) {
            throw new FormatProblem(at > dataBytes
                    ? "truncated .safetensors file (the header describes " + at + " bytes of data, the file has "
                            + dataBytes + ")"
                    : "the header describes " + at + " bytes of data, but the file has " + dataBytes
                            + " (trailing bytes)");
        }
    }

    private static DType dtype(String s, String where) {
        switch (s) {
            case "F64": return DType.FLOAT64;
            case "F32": return DType.FLOAT32;
            case "F16": return DType.FLOAT16;
            case "BF16": return DType.BFLOAT16;
            case "I64": return DType.INT64;
            case "I32": return DType.INT32;
            case "I16": return DType.INT16;
            case "I8": return DType.INT8;
            case "U8": return DType.UINT8;
            case "BOOL": return DType.BOOL;
            case "U16":
            case "U32":
            case "U64":
            case "F8_E4M3":
            case "F8_E5M2":
            case "F8_E8M0":
            case "F6_E2M3":
            case "F6_E3M2":
            case "F4":
            case "C64":
                throw new FormatProblem(where + " has dtype " + s + ", which piip4j does not support "
                        + "(supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
            default:
                throw new FormatProblem(where + " has unknown dtype '" + shown(s) + "'");
        }
    }

    private static String kind(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "list";
            case START_OBJECT -> "object";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String shown(String s) {
        return FormatProblem.printable(s, 80);
    }

    // ---- sources -----------------------------------------------------------------------------

    private interface Source {
        long size() throws IOException;

        /** Fills {@code dst} from {@code position}; the caller has checked the bytes exist. */
        void read(long position, ByteBuffer dst) throws IOException;
    }

    private record ChannelSource(FileChannel ch) implements Source {
        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            long p = position;
            while (dst.hasRemaining()) {
                int r = ch.read(dst, p);
                if (r < 0) {
                    throw new FormatProblem("truncated .safetensors file (it shrank while being read)");
                }
                p += r;
            }
        }
    }

    private record ArraySource(byte[] bytes) implements Source {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void read(long position, ByteBuffer dst) {
            dst.put(bytes, (int) position, dst.remaining());
        }
    }
}
