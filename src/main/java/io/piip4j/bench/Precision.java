package io.piip4j.bench;

import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Converts a model's weights to another floating type (bfloat16 for the fast CPU path). */
public final class Precision {
    private Precision() {
    }

    public static void convert(Module model, ScalarType dtype) {
        for (Parameter p : model.namedParameters().values()) {
            p.set(p.get().to(dtype));
        }
    }
}
