package io.piip4j.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, C-contiguous array read from or written to a file: element type, shape and the raw
 * little-endian bytes. Kept free of the tensor engine so file readers can be tested and fuzzed
 * in plain Java; {@code io.piip4j.tensor.Tensors} turns it into an engine tensor.
 */
public record NdArray(DType dtype, long[] shape, ByteBuffer data) {

    public NdArray {
        long n = numel(shape);
        if (data.remaining() != n * dtype.byteSize()) {
            throw new IllegalArgumentException("data holds " + data.remaining() + " bytes, shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + n * dtype.byteSize());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    public long numel() {
        return numel(shape);
    }

    public static NdArray ofFloats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new NdArray(DType.FLOAT32, shape.clone(), b);
    }

    public static NdArray ofLongs(long[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new NdArray(DType.INT64, shape.clone(), b);
    }

    /** The values as float32, converting from any floating or integer type. */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case FLOAT32 -> b.getFloat(i * 4);
                case FLOAT64 -> (float) b.getDouble(i * 8);
                case FLOAT16 -> halfToFloat(b.getShort(i * 2));
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                case INT64 -> (float) b.getLong(i * 8);
                case INT32 -> (float) b.getInt(i * 4);
                case INT16 -> (float) b.getShort(i * 2);
                case INT8 -> (float) b.get(i);
                case UINT8 -> (float) (b.get(i) & 0xff);
                case BOOL -> b.get(i) != 0 ? 1f : 0f;
            };
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
