package io.piip4j.weights;

import io.piip4j.tensor.DType;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Python globals a checkpoint may name, and what each one stands for. Like PyTorch's
 * {@code weights_only=True}, anything else is refused when the pickle names it, before any object
 * is built; globals the caller trusts explicitly become inert maps.
 */
final class AllowList {

    /** What an allowed global does when the pickle calls it (or that it cannot be called). */
    enum Kind {
        REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_TENSOR_V3, REBUILD_PARAMETER,
        REBUILD_PARAMETER_WITH_STATE, REBUILD_FROM_TYPE_V2,
        STORAGE, TORCH_DTYPE, TYPE_ONLY,
        ORDERED_DICT, TORCH_SIZE, TORCH_DEVICE, NAMESPACE,
        NUMPY_SCALAR, NUMPY_DTYPE, CODECS_ENCODE, SET, BYTEARRAY,
        TRUSTED
    }

    private static final Map<String, Kind> KINDS = new HashMap<>();
    private static final Map<String, DType> STORAGE_DTYPES = new HashMap<>();
    private static final Map<String, DType> TORCH_DTYPES = new HashMap<>();

    static {
        KINDS.put("torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR);
        KINDS.put("torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2);
        KINDS.put("torch._utils._rebuild_tensor_v3", Kind.REBUILD_TENSOR_V3);
        KINDS.put("torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER);
        KINDS.put("torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE);
        KINDS.put("torch._tensor._rebuild_from_type_v2", Kind.REBUILD_FROM_TYPE_V2);
        KINDS.put("torch.Tensor", Kind.TYPE_ONLY);
        KINDS.put("torch.nn.parameter.Parameter", Kind.TYPE_ONLY);
        KINDS.put("torch.nn.Parameter", Kind.TYPE_ONLY);
        KINDS.put("collections.OrderedDict", Kind.ORDERED_DICT);
        KINDS.put("torch.Size", Kind.TORCH_SIZE);
        KINDS.put("torch.device", Kind.TORCH_DEVICE);
        KINDS.put("argparse.Namespace", Kind.NAMESPACE);
        KINDS.put("numpy.core.multiarray.scalar", Kind.NUMPY_SCALAR);
        KINDS.put("numpy._core.multiarray.scalar", Kind.NUMPY_SCALAR);
        KINDS.put("numpy.dtype", Kind.NUMPY_DTYPE);
        KINDS.put("_codecs.encode", Kind.CODECS_ENCODE);
        for (String m : new String[] {"builtins", "__builtin__"}) {
            KINDS.put(m + ".set", Kind.SET);
            KINDS.put(m + ".frozenset", Kind.SET);
            KINDS.put(m + ".bytearray", Kind.BYTEARRAY);
        }

        String[][] storages = {
            {"Float", "FLOAT32"}, {"Double", "FLOAT64"}, {"Half", "FLOAT16"}, {"BFloat16", "BFLOAT16"},
            {"Long", "INT64"}, {"Int", "INT32"}, {"Short", "INT16"}, {"Char", "INT8"},
            {"Byte", "UINT8"}, {"Bool", "BOOL"},
        };
        for (String[] s : storages) {
            STORAGE_DTYPES.put("torch." + s[0] + "Storage", DType.valueOf(s[1]));
            STORAGE_DTYPES.put("torch.cuda." + s[0] + "Storage", DType.valueOf(s[1]));
        }
        // Untyped storages count bytes; the tensor's dtype comes from _rebuild_tensor_v3.
        STORAGE_DTYPES.put("torch.UntypedStorage", DType.UINT8);
        STORAGE_DTYPES.put("torch.storage.UntypedStorage", DType.UINT8);
        STORAGE_DTYPES.put("torch.storage._UntypedStorage", DType.UINT8);
        STORAGE_DTYPES.put("torch.cuda.UntypedStorage", DType.UINT8);
        for (String name : STORAGE_DTYPES.keySet()) {
            KINDS.put(name, Kind.STORAGE);
        }

        String[][] dtypes = {
            {"float32", "FLOAT32"}, {"float", "FLOAT32"}, {"float64", "FLOAT64"}, {"double", "FLOAT64"},
            {"float16", "FLOAT16"}, {"half", "FLOAT16"}, {"bfloat16", "BFLOAT16"},
            {"int64", "INT64"}, {"long", "INT64"}, {"int32", "INT32"}, {"int", "INT32"},
            {"int16", "INT16"}, {"short", "INT16"}, {"int8", "INT8"}, {"uint8", "UINT8"}, {"bool", "BOOL"},
        };
        for (String[] d : dtypes) {
            TORCH_DTYPES.put("torch." + d[0], DType.valueOf(d[1]));
        }
        for (String name : TORCH_DTYPES.keySet()) {
            KINDS.put(name, Kind.TORCH_DTYPE);
        }
        // Harmless as values (a config may name them); a tensor of these types is refused later.
        for (String d : new String[] {"complex32", "complex64", "complex128", "cfloat", "cdouble",
                "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
                "float8_e5m2fnuz", "qint8", "quint8", "qint32"}) {
            KINDS.put("torch." + d, Kind.TORCH_DTYPE);
        }
    }

    private final Set<String> trusted;

    AllowList(Set<String> trusted) {
        this.trusted = Set.copyOf(trusted);
    }

    /** The kind of an allowed global, or null where it is neither built in nor trusted. */
    Kind kind(String qualifiedName) {
        Kind k = KINDS.get(qualifiedName);
        if (k != null) {
            return k;
        }
        return trusted.contains(qualifiedName) ? Kind.TRUSTED : null;
    }

    /** Resolves a global the pickle names, refusing it unless allowed. */
    PickleGlobal resolve(String module, String name) {
        PickleGlobal g = new PickleGlobal(module, name);
        if (kind(g.qualifiedName()) == null) {
            throw new GlobalRefused(g.qualifiedName());
        }
        return g;
    }

    static DType storageDType(PickleGlobal g) {
        return STORAGE_DTYPES.get(g.qualifiedName());
    }

    /** The element type of a torch dtype global, or null where this reader has none for it. */
    static DType torchDType(PickleGlobal g) {
        return TORCH_DTYPES.get(g.qualifiedName());
    }

    static boolean isUntypedStorage(PickleGlobal g) {
        return g.name().endsWith("UntypedStorage");
    }
}
