package io.piip4j.weights;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a tree of plain values and tensors as the protocol-2 pickle {@code torch.load} expects
 * in {@code data.pkl}: each tensor as {@code torch._utils._rebuild_tensor_v2} over a persistent
 * storage id {@code ('storage', torch.<T>Storage, key, 'cpu', numel)}; the storages' bytes are
 * collected for the zip's {@code data/<key>} entries (one per distinct array object).
 */
final class PickleEncoder {

    private static final int BATCH = 1000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> globalMemo = new HashMap<>();
    private final Map<NdArray, String> storageKeys = new IdentityHashMap<>();
    private final List<NdArray> storages = new ArrayList<>();
    private final Set<Object> path = Collections.newSetFromMap(new IdentityHashMap<>());
    private int memoSize;

    /** The storages in key order: {@code storages().get(i)} is saved as {@code data/i}. */
    List<NdArray> storages() {
        return storages;
    }

    byte[] encode(Object root) {
        out.write(0x80);
        out.write(2);
        value(root, "");
        out.write('.');
        return out.toByteArray();
    }

    private void value(Object v, String where) {
        if (v == null) {
            out.write('N');
        } else if (v instanceof Boolean b) {
            out.write(b ? 0x88 : 0x89);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            integer(((Number) v).longValue());
        } else if (v instanceof BigInteger b) {
            bigInteger(b);
        } else if (v instanceof Double || v instanceof Float) {
            out.write('G');
            long bits = Double.doubleToRawLongBits(((Number) v).doubleValue());
            for (int i = 7; i >= 0; i--) {
                out.write((int) (bits >>> (8 * i)));
            }
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof byte[] bytes) {
            // Protocol 2 has no bytes opcode: Python itself writes _codecs.encode(latin-1 text, 'latin1').
            global("_codecs", "encode");
            char[] chars = new char[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                chars[i] = (char) (bytes[i] & 0xff);
            }
            string(new String(chars));
            string("latin1");
            out.write(0x86); // TUPLE2
            out.write('R');
        } else if (v instanceof NdArray a) {
            tensor(a);
        } else if (v instanceof PickleGlobal g) {
            global(g.module(), g.name());
        } else if (v instanceof Map<?, ?> m) {
            enter(v, where);
            out.write('}');
            int n = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (n % BATCH == 0) {
                    if (n > 0) {
                        out.write('u');
                    }
                    out.write('(');
                }
                Object k = e.getKey();
                if (!(k == null || k instanceof String || k instanceof Boolean || k instanceof Long
                        || k instanceof Integer || k instanceof Short || k instanceof Byte || k instanceof BigInteger
                        || k instanceof Double || k instanceof Float)) {
                    throw new FormatProblem("dict key of type " + k.getClass().getSimpleName() + " at " + shown(where));
                }
                value(k, where);
                value(e.getValue(), where + "." + k);
                n++;
            }
            if (n > 0) {
                out.write('u');
            }
            path.remove(v);
        } else if (v instanceof Tuple t) {
            enter(v, where);
            out.write('(');
            for (int i = 0; i < t.size(); i++) {
                value(t.get(i), where + "[" + i + "]");
            }
            out.write('t');
            path.remove(v);
        } else if (v instanceof List<?> l) {
            enter(v, where);
            out.write(']');
            for (int i = 0; i < l.size(); i++) {
                if (i % BATCH == 0) {
                    if (i > 0) {
                        out.write('e');
                    }
                    out.write('(');
                }
                value(l.get(i), where + "[" + i + "]");
            }
            if (!l.isEmpty()) {
                out.write('e');
            }
            path.remove(v);
        } else if (v instanceof Set<?> s) {
            enter(v, where);
            global("builtins", "set");
            out.write(']');
            if (!s.isEmpty()) {
                out.write('(');
                for (Object o : s) {
                    value(o, where);
                }
                out.write('e');
            }
            out.write(0x85); // TUPLE1
            out.write('R');
            path.remove(v);
        } else {
            throw new FormatProblem("cannot write a value of type " + v.getClass().getSimpleName() + " at " + shown(where));
        }
    }

    private void enter(Object container, String where) {
        if (!path.add(container)) {
            throw new FormatProblem("value at " + shown(where) + " contains itself");
        }
    }

    private static String shown(String where) {
        return where.isEmpty() ? "the top level" : "'" + FormatProblem.printable(where.substring(where.startsWith(".") ? 1 : 0), 120) + "'";
    }

    private void tensor(NdArray a) {
        String key = storageKeys.get(a);
        if (key == null) {
            key = Integer.toString(storages.size());
            storageKeys.put(a, key);
            storages.add(a);
        }
        long[] shape = a.shape();
        global("torch._utils", "_rebuild_tensor_v2");
        out.write('(');
        out.write('(');
        string("storage");
        global("torch", storageType(a.dtype()));
        string(key);
        string("cpu");
        integer(a.numel());
        out.write('t');
        out.write('Q'); // BINPERSID
        integer(0);
        longTuple(shape);
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= Math.max(shape[i], 1);
        }
        longTuple(stride);
        out.write(0x89); // requires_grad False
        global("collections", "OrderedDict");
        out.write(')');
        out.write('R');
        out.write('t');
        out.write('R');
    }

    static String storageType(DType d) {
        return switch (d) {
            case FLOAT32 -> "FloatStorage";
            case FLOAT64 -> "DoubleStorage";
            case FLOAT16 -> "HalfStorage";
            case BFLOAT16 -> "BFloat16Storage";
            case INT64 -> "LongStorage";
            case INT32 -> "IntStorage";
            case INT16 -> "ShortStorage";
            case INT8 -> "CharStorage";
            case UINT8 -> "ByteStorage";
            case BOOL -> "BoolStorage";
        };
    }

    private void longTuple(long[] values) {
        out.write('(');
        for (long v : values) {
            integer(v);
        }
        out.write('t');
    }

    private void global(String module, String name) {
        String q = module + "\n" + name + "\n";
        Integer memo = globalMemo.get(q);
        if (memo != null) {
            out.write('j'); // LONG_BINGET
            int32(memo);
            return;
        }
        out.write('c');
        out.writeBytes(q.getBytes(StandardCharsets.UTF_8));
        out.write('r'); // LONG_BINPUT
        int32(memoSize);
        globalMemo.put(q, memoSize++);
    }

    private void integer(long v) {
        if (v >= 0 && v <= 0xff) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v <= 0xffff) {
            out.write('M');
            out.write((int) v);
            out.write((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            int32((int) v);
        } else {
            bigInteger(BigInteger.valueOf(v));
        }
    }

    private void bigInteger(BigInteger b) {
        byte[] be = b.toByteArray();
        if (be.length > 255) {
            throw new FormatProblem("integer too large to write (" + b.bitLength() + " bits)");
        }
        out.write(0x8a); // LONG1
        out.write(be.length);
        for (int i = be.length - 1; i >= 0; i--) {
            out.write(be[i]);
        }
    }

    private void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        int32(utf8.length);
        out.writeBytes(utf8);
    }

    private void int32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
