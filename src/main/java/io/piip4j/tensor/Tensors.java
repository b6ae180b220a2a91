package io.piip4j.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/** Moving data between Java arrays / {@link NdArray} and engine tensors, and dtype mapping. */
public final class Tensors {
    private Tensors() {
    }

    public static ScalarType scalarType(DType d) {
        return switch (d) {
            case FLOAT32 -> ScalarType.Float;
            case FLOAT64 -> ScalarType.Double;
            case FLOAT16 -> ScalarType.Half;
            case BFLOAT16 -> ScalarType.BFloat16;
            case INT64 -> ScalarType.Long;
            case INT32 -> ScalarType.Int;
            case INT16 -> ScalarType.Short;
            case INT8 -> ScalarType.Char;
            case UINT8 -> ScalarType.Byte;
            case BOOL -> ScalarType.Bool;
        };
    }

    /** Matched by the native enum value: a Java switch over this JavaCPP enum mis-maps constants. */
    public static DType dtype(ScalarType s) {
        for (DType d : DType.values()) {
            if (scalarType(d).value == s.value) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported tensor type " + s);
    }

    /** A tensor owning a copy of the array's data (native memory, CPU). */
    public static Tensor fromNdArray(NdArray a) {
        ByteBuffer src = a.data().duplicate();
        BytePointer p = new BytePointer(src.remaining());
        try {
            p.put(toArray(src));
            try (Tensor view = torch.from_blob(p, a.shape(), new TensorOptions(scalarType(a.dtype())))) {
                return view.clone();
            }
        } finally {
            p.close();
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A float32 CPU tensor of {@code shape} holding {@code values}, copied straight into its memory. */
    public static Tensor fromFloats(float[] values, long... shape) {
        Tensor t = torch.empty(shape);
        if (t.numel() != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        if (values.length > 0) {
            try (FloatPointer p = new FloatPointer(t.data_ptr())) {
                p.capacity(values.length).put(values);
            }
        }
        return t;
    }

    /** An int32 CPU tensor of {@code shape} holding {@code values}. */
    public static Tensor fromInts(int[] values, long... shape) {
        Tensor t = torch.empty(shape, new TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(ScalarType.Int)),
                new org.bytedeco.pytorch.MemoryFormatOptional());
        if (t.numel() != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        if (values.length > 0) {
            try (org.bytedeco.javacpp.IntPointer p = new org.bytedeco.javacpp.IntPointer(t.data_ptr())) {
                p.capacity(values.length).put(values);
            }
        }
        return t;
    }

    /** A CPU copy of the tensor as an array of the same dtype. */
    public static NdArray toNdArray(Tensor t) {
        try (Tensor c = t.device().is_cpu() ? t.contiguous() : t.cpu().contiguous()) {
            long n = c.numel();
            long bytes = n * c.element_size();
            byte[] data = new byte[Math.toIntExact(bytes)];
            if (bytes > 0) {
                try (BytePointer p = new BytePointer(c.data_ptr())) {
                    p.capacity(bytes);
                    p.get(data);
                }
            }
            return new NdArray(dtype(c.scalar_type()), shape(c), ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /** The elements as float32, in row-major order, from any device, dtype and layout. */
    public static float[] toFloats(Tensor t) {
        try (Tensor f = t.to(ScalarType.Float); Tensor c = f.device().is_cpu() ? f.contiguous() : f.cpu().contiguous()) {
            float[] out = new float[Math.toIntExact(c.numel())];
            if (out.length > 0) {
                try (FloatPointer p = new FloatPointer(c.data_ptr())) {
                    p.capacity(out.length).get(out);
                }
            }
            return out;
        }
    }

    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.size(i);
        }
        return s;
    }
}
