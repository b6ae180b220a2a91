package io.piip4j.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes {@code .safetensors} bytes as the reference library lays them out, for tests. */
public final class SafetensorsBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode header = JSON.createObjectNode();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    public static String code(DType d) {
        return switch (d) {
            case FLOAT64 -> "F64";
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT16 -> "I16";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    public SafetensorsBuilder tensor(String name, NdArray a) {
        ByteBuffer b = a.data().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return raw(name, code(a.dtype()), a.shape(), bytes);
    }

    /** Any header entry, consistent or not, with these bytes appended to the data section. */
    public SafetensorsBuilder raw(String name, String dtype, long[] shape, byte[] bytes) {
        long begin = data.size();
        data.writeBytes(bytes);
        ObjectNode t = header.putObject(name);
        t.put("dtype", dtype);
        var s = t.putArray("shape");
        for (long d : shape) {
            s.add(d);
        }
        t.putArray("data_offsets").add(begin).add(data.size());
        return this;
    }

    public SafetensorsBuilder metadata(Map<String, String> m) {
        ObjectNode md = header.putObject("__metadata__");
        m.forEach(md::put);
        return this;
    }

    public byte[] bytes() {
        try {
            return assemble(JSON.writeValueAsString(header), data.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Length, header padded with spaces to a multiple of 8 (as the reference pads it), data. */
    public static byte[] assemble(String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    public static Path write(Path file, Map<String, NdArray> tensors) {
        SafetensorsBuilder b = new SafetensorsBuilder();
        tensors.forEach(b::tensor);
        try {
            return Files.write(file, b.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
