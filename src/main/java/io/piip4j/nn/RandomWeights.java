package io.piip4j.nn;

import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Fills a model with small random weights (seeded), enough to time it: speed does not depend on
 * the values, only finite, moderate activations matter (norm scales near 1, the rest N(0, 0.02)).
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    public static void fill(Module model, long seed) {
        torch.manual_seed(seed);
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            long[] shape = e.getValue().shape();
            String key = e.getKey();
            // norm scales near 1: LayerNorm/RMSNorm weights and the merges' GroupNorm weights (1-D)
            boolean normScale = shape.length == 1 && (key.matches(".*norm\\d?\\.weight")
                    || key.matches(".*merge_branch\\d+(\\.[04])?\\.weight") || key.matches(".*\\.bn\\.(weight|running_var)"));
            Tensor t = torch.randn(shape).mul(new Scalar(0.02));
            if (normScale || shape.length == 0) {
                t = t.add(new Scalar(1.0));
            }
            e.getValue().set(t);
        }
    }
}
