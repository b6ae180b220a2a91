package io.piip4j.weights;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Turns a tensor as torch saves it (a storage, an element offset, sizes and strides) into a
 * contiguous {@link NdArray}, after checking that every element it addresses lies inside the
 * storage. Contiguous views share the storage's bytes read-only; other views (transposes,
 * slices with gaps) are gathered into a new buffer, whose size the caller is asked to approve
 * so that many views of one storage cannot multiply memory without bound.
 */
final class StridedView {

    /** A broadcasting view (stride 0) may grow a storage up to this size, or to the storage's own size. */
    static final long MAX_EXPANSION_BYTES = 16L << 20;

    private StridedView() {
    }

    static NdArray materialize(TorchStorage st, DType dtype, long offset, long[] size, long[] stride,
            LongConsumer approveCopy) {
        if (size.length != stride.length) {
            throw new FormatProblem("tensor has " + size.length + " sizes but " + stride.length + " strides");
        }
        int e = dtype.byteSize();
        long storageNumel = st.nbytes() / e;
        String where = "tensor in storage '" + FormatProblem.printable(st.key(), 60) + "'";
        if (offset < 0) {
            throw new FormatProblem(where + " has negative offset " + offset);
        }
        long numel = 1;
        long last = offset;
        long outBytes;
        try {
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0 || stride[i] < 0) {
                    throw new FormatProblem(where + " has negative size or stride (size "
                            + Arrays.toString(size) + ", stride " + Arrays.toString(stride) + ")");
                }
                numel = Math.multiplyExact(numel, size[i]);
            }
            if (numel == 0) {
                if (offset > storageNumel) {
                    throw new FormatProblem(where + " starts at element " + offset + " but the storage holds "
                            + storageNumel + " elements");
                }
                return new NdArray(dtype, size.clone(), ByteBuffer.allocate(0));
            }
            for (int i = 0; i < size.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
            outBytes = Math.multiplyExact(numel, (long) e);
        } catch (ArithmeticException overflow) {
            throw new FormatProblem(where + ": sizes " + Arrays.toString(size) + " with strides "
                    + Arrays.toString(stride) + " overflow");
        }
        if (last >= storageNumel) {
            throw new FormatProblem(where + " (offset " + offset + ", size " + Arrays.toString(size) + ", stride "
                    + Arrays.toString(stride) + ") reaches element " + last + ", but the storage holds "
                    + storageNumel + " elements of " + dtype);
        }
        if (outBytes > Integer.MAX_VALUE - 8) {
            throw new FormatProblem(where + " is " + outBytes + " bytes, larger than 2 GiB (not supported)");
        }
        if (isContiguous(size, stride)) {
            ByteBuffer view = ByteBuffer.wrap(st.bytes(), (int) (offset * e), (int) outBytes).asReadOnlyBuffer();
            return new NdArray(dtype, size.clone(), view.order(ByteOrder.LITTLE_ENDIAN));
        }
        if (outBytes > Math.max(st.nbytes(), MAX_EXPANSION_BYTES)) {
            throw new FormatProblem(where + " expands a storage of " + st.nbytes() + " bytes to " + outBytes
                    + " bytes (size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride) + ")");
        }
        approveCopy.accept(outBytes);
        byte[] out = gather(st.bytes(), e, offset, size, stride, (int) outBytes);
        return new NdArray(dtype, size.clone(), ByteBuffer.wrap(out).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    /** Copies the elements in C order; the caller has checked every index is in range. */
    private static byte[] gather(byte[] src, int e, long offset, long[] size, long[] stride, int outBytes) {
        byte[] out = new byte[outBytes];
        int nd = size.length;
        int inner = nd - 1;
        long innerSize = size[inner];
        long innerStride = stride[inner];
        long[] idx = new long[nd];
        long base = offset;
        int pos = 0;
        while (true) {
            if (innerStride == 1) {
                int run = (int) (innerSize * e);
                System.arraycopy(src, (int) (base * e), out, pos, run);
                pos += run;
            } else {
                for (long j = 0; j < innerSize; j++) {
                    int from = (int) ((base + j * innerStride) * e);
                    for (int b = 0; b < e; b++) {
                        out[pos++] = src[from + b];
                    }
                }
            }
            int d = inner - 1;
            while (d >= 0) {
                idx[d]++;
                base += stride[d];
                if (idx[d] < size[d]) {
                    break;
                }
                base -= stride[d] * size[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return out;
            }
        }
    }
}
