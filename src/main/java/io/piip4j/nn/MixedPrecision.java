package io.piip4j.nn;

import java.util.Map;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The bfloat16 inference path, shaped like {@code torch.autocast("cpu", torch.bfloat16)}: the
 * weights of the matrix-product layers (Linear, Conv2d, ConvTranspose2d) are stored in bfloat16,
 * so those products run in bfloat16 (about 4× the float32 rate on AVX512-BF16 CPUs); every other
 * parameter stays float32, so norms, layer scales, the residual stream, deformable sampling and
 * interpolation run in float32 as under autocast.
 */
public final class MixedPrecision {
    private MixedPrecision() {
    }

    public static void toBfloat16(Module model) {
        convert(model, ScalarType.BFloat16);
    }

    /** Back to full float32 (e.g. after a bfloat16 run). */
    public static void toFloat32(Module model) {
        convert(model, ScalarType.Float);
    }

    private static void convert(Module m, ScalarType type) {
        if (m instanceof Linear || m instanceof Conv2d || m instanceof ConvTranspose2d) {
            for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
                Parameter p = e.getValue();
                if (p.isSet() && p.get().scalar_type().value != type.value) {
                    p.set(p.get().to(type));
                }
            }
            return;
        }
        for (Module child : m.children().values()) {
            convert(child, type);
        }
    }
}
