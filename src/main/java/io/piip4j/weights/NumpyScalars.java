package io.piip4j.weights;

import io.piip4j.tensor.NdArray;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The two numpy globals that pickled numpy scalars need ({@code numpy.dtype} and
 * {@code numpy.core.multiarray.scalar}), reimplemented for plain numbers only: training metadata
 * (mmcv's {@code best_score}, an epoch counter) often holds numpy scalars, which become Java
 * {@code Double}, {@code Long} or {@code Boolean}.
 */
final class NumpyScalars {

    private NumpyScalars() {
    }

    /** A numpy dtype as pickled: its type string, then its byte order set by BUILD. */
    static final class Dtype {
        final String descr;
        char byteOrder = '=';

        Dtype(String descr) {
            this.descr = descr;
        }

        void setState(Object state) {
            if (!(state instanceof List<?> l) || l.size() < 2 || !(l.get(1) instanceof String order)
                    || order.length() != 1 || "<>|=".indexOf(order.charAt(0)) < 0) {
                throw new FormatProblem("numpy dtype has an unexpected state");
            }
            byteOrder = order.charAt(0);
        }

        @Override
        public String toString() {
            return "numpy.dtype('" + FormatProblem.printable(descr, 40) + "')";
        }
    }

    static Object scalar(Dtype dtype, byte[] data) {
        String d = dtype.descr;
        char order = dtype.byteOrder;
        if (!d.isEmpty() && "<>|=".indexOf(d.charAt(0)) >= 0) {
            order = d.charAt(0);
            d = d.substring(1);
        }
        if (d.equals("?")) {
            d = "b1";
        }
        if (d.length() < 2) {
            throw unsupported(dtype);
        }
        char kind = d.charAt(0);
        int size;
        try {
            size = Integer.parseInt(d.substring(1));
        } catch (NumberFormatException e) {
            throw unsupported(dtype);
        }
        if (data.length != size) {
            throw new FormatProblem("numpy scalar of " + dtype + " has " + data.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        switch (kind) {
            case 'f':
                switch (size) {
                    case 2: return (double) NdArray.halfToFloat(b.getShort());
                    case 4: return (double) b.getFloat();
                    case 8: return b.getDouble();
                    default: throw unsupported(dtype);
                }
            case 'i':
                switch (size) {
                    case 1: return (long) b.get();
                    case 2: return (long) b.getShort();
                    case 4: return (long) b.getInt();
                    case 8: return b.getLong();
                    default: throw unsupported(dtype);
                }
            case 'u':
                switch (size) {
                    case 1: return (long) (b.get() & 0xff);
                    case 2: return (long) (b.getShort() & 0xffff);
                    case 4: return b.getInt() & 0xffffffffL;
                    case 8: {
                        long v = b.getLong();
                        return v >= 0 ? (Object) v : BigInteger.valueOf(v).add(BigInteger.ONE.shiftLeft(64));
                    }
                    default: throw unsupported(dtype);
                }
            case 'b':
                if (size == 1) {
                    return b.get() != 0;
                }
                throw unsupported(dtype);
            default:
                throw unsupported(dtype);
        }
    }

    private static FormatProblem unsupported(Dtype dtype) {
        return new FormatProblem("unsupported numpy scalar type " + dtype);
    }
}
