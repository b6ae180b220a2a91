package io.piip4j.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Iterator;
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

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(100).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

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
        if (t instanceof CheckpointException e) {
            return e;
        }
        if (t instanceof FormatProblem p) {
            return new CheckpointException(name + ": " + p.getMessage());
        }
        if (t instanceof OutOfMemoryError) {
            return new CheckpointException(name + ": too large to load into memory", t);
        }
        if (t instanceof StackOverflowError) {
            return new CheckpointException(name + ": header nested too deeply", t);
        }
        if (t instanceof IOException) {
            return new CheckpointException(name + ": cannot read (" + FormatProblem.describe(t) + ")", t);
        }
        return new CheckpointException(name + ": corrupt .safetensors file (" + FormatProblem.describe(t) + ")", t);
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
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FormatProblem("header is not valid JSON (" + FormatProblem.printable(e.getOriginalMessage(), 160)
                    + (e.getLocation() != null ? " at character " + e.getLocation().getCharOffset() : "") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new FormatProblem("header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataBytes = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA)) {
                metadata(f.getValue(), metadata);
            } else {
                entries.add(entry(f.getKey(), f.getValue()));
            }
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

    private static void metadata(JsonNode v, Map<String, String> out) {
        if (v.isNull()) {
            return;
        }
        if (!v.isObject()) {
            throw new FormatProblem(METADATA + " is not a JSON object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new FormatProblem(METADATA + "." + shown(m.getKey()) + " is a " + kind(m.getValue())
                        + ", not a string");
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry entry(String name, JsonNode v) {
        String where = "tensor '" + shown(name) + "'";
        if (!v.isObject()) {
            throw new FormatProblem(where + " is described by a " + kind(v) + ", not an object");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new FormatProblem(where + ": 'dtype' is " + (dt == null ? "missing" : "a " + kind(dt) + ", not a string"));
        }
        DType dtype = dtype(dt.textValue(), where);
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new FormatProblem(where + ": 'shape' is " + (sh == null ? "missing" : "a " + kind(sh) + ", not a list"));
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegative(sh.get(i), where + ": shape[" + i + "]");
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new FormatProblem(where + ": 'data_offsets' is " + (off == null ? "missing"
                    : off.isArray() ? "a list of " + off.size() + " numbers, not [begin, end]" : "a " + kind(off)
                    + ", not [begin, end]"));
        }
        long begin = nonNegative(off.get(0), where + ": data_offsets[0]");
        long end = nonNegative(off.get(1), where + ": data_offsets[1]");
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
            throw new FormatProblem(where + ": shape " + Arrays.toString(shape) + " of " + dt.textValue() + " needs "
                    + nbytes + " bytes, but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        if (nbytes > MAX_TENSOR_BYTES) {
            throw new FormatProblem(where + " is " + nbytes + " bytes, larger than 2 GiB (not supported)");
        }
        return new Entry(name, dtype, shape, begin, end);
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

    private static long nonNegative(JsonNode n, String what) {
        if (n == null || !n.isIntegralNumber()) {
            throw new FormatProblem(what + " is " + (n == null ? "missing" : "a " + kind(n)) + ", not a non-negative integer");
        }
        if (!n.canConvertToLong() || n.longValue() < 0) {
            throw new FormatProblem(what + " is " + FormatProblem.printable(n.toString(), 40)
                    + ", not a non-negative 64-bit integer");
        }
        return n.longValue();
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

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "list";
            case OBJECT -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
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
