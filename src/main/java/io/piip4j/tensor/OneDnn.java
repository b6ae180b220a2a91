package io.piip4j.tensor;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Linear layers through oneDNN's inner product on pre-packed weights ({@code mkldnn::_linear_pointwise}
 * and {@code mkldnn::_reorder_linear_weight}, the kernels PyTorch's compiler freezes CPU models with).
 * Why: the JavaCPP build sends float32 products to OpenBLAS, whose pthread pool fights libgomp's for
 * the cores and reaches 150–190 GFLOP/s at PIIP's shapes; oneDNN on packed weights reaches ~200 (fp32)
 * and ~380 (bf16) on the OpenMP pool every other kernel uses. Inference only: the ops have no
 * autograd formula, so with gradients on the caller uses {@code torch.linear}.
 * {@code PIIP_ONEDNN=0} in the environment turns the path off.
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
    private static final boolean ENABLED = !"0".equals(System.getenv("PIIP_ONEDNN")) && LINEAR != null && REORDER != null;

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

    /** Whether the oneDNN path is available and not turned off. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Whether inference products may take the oneDNN path now (available, not turned off, no gradients). */
    public static boolean active() {
        return ENABLED && !GradMode.is_enabled();
    }

    /** Whether oneDNN takes a product with this weight: CPU, float32 or bfloat16. */
    public static boolean takes(Tensor weight) {
        if (weight.is_cuda()) {
            return false;
        }
        int t = weight.scalar_type().value;
        return t == ScalarType.Float.value || t == ScalarType.BFloat16.value;
    }

    /** Whether a product with this weight may take the oneDNN path now. */
    public static boolean applies(Tensor weight) {
        return active() && takes(weight);
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
