package io.piip4j.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * Linear layers through oneDNN's inner product on pre-packed weights ({@code mkldnn::_linear_pointwise}
 * and {@code mkldnn::_reorder_linear_weight}, the kernels PyTorch's compiler freezes CPU models with).
 * Why: the JavaCPP build sends float32 products to OpenBLAS, whose pthread pool fights libgomp's for
 * the cores and reaches 150–190 GFLOP/s at PIIP's shapes; oneDNN on packed weights reaches ~200 (fp32)
 * and ~380 (bf16) on the OpenMP pool every other kernel uses. Inference only: the ops have no
 * autograd formula, so with gradients on the caller uses {@code torch.linear}.
 * Whether oneDNN takes a dtype is found once by a small product ({@link #packs}): libtorch refuses
 * packed bfloat16 on CPUs without AVX-512 (BW, VL, DQ) or AVX-NE-CONVERT, and oneDNN may be capped
 * below the CPU ({@code ONEDNN_MAX_CPU_ISA}). {@link ProductPaths} decides which path runs.
 */
public final class OneDnn {
    private static final Dispatcher DISPATCHER = Dispatcher.singleton();
    private static final OperatorHandle LINEAR = find("mkldnn::_linear_pointwise");
    private static final OperatorHandle REORDER = find("mkldnn::_reorder_linear_weight");
    // the constant arguments, made once: building them per call took 12 of a small product's 42 µs
    private static final IValue NO_VALUE = keep(new IValue());
    private static final IValue NO_POST_OP = keep(new IValue("none"));
    private static final IValue GELU = keep(new IValue("gelu"));
    private static final IValue ERF = keep(new IValue("none"));
    private static final IValue TANH = keep(new IValue("tanh"));
    private static final IValue NO_SCALARS = keep(new IValue(new GenericList(OptionalType.get(new Type.TypePtr(NumberType.getNumberIntTypePtr().get())))));
    /** Why a dtype cannot take this path here (absent: it can), from one probe product per dtype. */
    private static final String FLOAT_REFUSAL = probe(ScalarType.Float);
    private static final String BFLOAT16_REFUSAL = probe(ScalarType.BFloat16);

    private OneDnn() {
    }

    /** Kept for the life of the process: a static must not belong to the scope that loaded it. */
    private static IValue keep(IValue v) {
        return v.retainReference();
    }

    private static OperatorHandle find(String name) {
        try {
            return DISPATCHER.findSchemaOrThrow(name, "").retainReference(); // for the life of the process, as keep()
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Packs an 8×16 weight and multiplies 4 rows of ones by it: null if the result is right, else why
     * this dtype cannot take the path (ops not registered, packing refused, a wrong product).
     */
    private static String probe(ScalarType dtype) {
        if (LINEAR == null || REORDER == null) {
            return "the mkldnn linear ops are not registered in this libtorch build";
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor y = linear(torch.ones(4, 16).to(dtype), pack(torch.ones(8, 16).to(dtype), 4), null);
            boolean right = y.size(0) == 4 && y.size(1) == 8 && torch.equal(y.to(ScalarType.Float), torch.full(new long[] {4, 8}, new Scalar(16.0)));
            return right ? null : "the probe product gave wrong numbers";
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            return m.lines().findFirst().orElse(m).trim();
        }
    }

    /** Whether oneDNN takes products of this dtype on this CPU and engine build. */
    public static boolean packs(ScalarType dtype) {
        return refusal(dtype) == null;
    }

    /** Why oneDNN does not take products of this dtype here (the engine's own words), or null where it does. */
    public static String refusal(ScalarType dtype) {
        if (dtype.value == ScalarType.Float.value) {
            return FLOAT_REFUSAL;
        }
        if (dtype.value == ScalarType.BFloat16.value) {
            return BFLOAT16_REFUSAL;
        }
        return "oneDNN's packed products take float32 and bfloat16 only";
    }

    /** The weight (out, in) reordered into oneDNN's blocked layout for {@code rows} input rows. */
    public static Tensor pack(Tensor weight, long rows) {
        IValueVector stack = new IValueVector(new IValue(weight.contiguous()), new IValue(rows));
        DISPATCHER.callBoxed(REORDER, stack);
        return result(stack);
    }

    /** {@code x · packedᵀ + bias}; x of any rank ≥ 2 and of the weight's type. */
    public static Tensor linear(Tensor x, Tensor packed, Tensor bias) {
        return linear(x, packed, bias, NO_POST_OP, NO_VALUE);
    }

    /**
     * {@code GELU(x · packedᵀ + bias)} in one pass (oneDNN's post-op), the exact (erf) form or, with
     * {@code tanh}, the tanh approximation.
     */
    public static Tensor linearGelu(Tensor x, Tensor packed, Tensor bias, boolean tanh) {
        return linear(x, packed, bias, GELU, tanh ? TANH : ERF);
    }

    private static Tensor linear(Tensor x, Tensor packed, Tensor bias, IValue postOp, IValue algorithm) {
        IValueVector stack = new IValueVector(new IValue(x.contiguous()), new IValue(packed), bias == null ? NO_VALUE : new IValue(bias),
                postOp, NO_SCALARS, algorithm);
        DISPATCHER.callBoxed(LINEAR, stack);
        return result(stack);
    }

    /** An owning handle to the op's output: {@code toTensor()} points into the stack, which dies with it. */
    private static Tensor result(IValueVector stack) {
        return new Tensor(stack.get(0).toTensor());
    }

}
