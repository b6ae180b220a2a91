package io.piip4j.llava.generate;

import io.piip4j.llava.lm.KvCache;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.ThreadPools;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

/**
 * Autoregressive generation with a KV cache: one prefill over the prompt's embeddings, then one
 * decoder step per token, each step in its own pointer scope (only the cache outlives a step).
 * Every token goes to the listener as soon as it is chosen, so callers can stream. Generation
 * ends at a stop id, after the maximum number of tokens, or when the model's positions run out.
 */
public final class Generator {
    private Generator() {
    }

    /**
     * @param prompt the prompt's embeddings (1, n, hidden), images spliced in; appended after the cache's tokens
     * @return the generated ids (the stop id included where one ended generation)
     */
    public static long[] generate(CausalLm model, Tensor prompt, KvCache cache, GenerationConfig cfg, Consumer<Step> listener) {
        TokenPicker picker = new TokenPicker(cfg);
        long[] out = new long[cfg.maxNewTokens()];
        int n = 0;
        float[] logits = step(() -> {
            Tensor h = model.forwardEmbeds(prompt, cache);
            return model.logits(F.slice(h, 1, h.size(1) - 1, h.size(1))).view(-1);
        });
        while (true) {
            long token = picker.pick(logits);
            boolean stop = cfg.isStop(token);
            out[n++] = token;
            listener.accept(new Step(token, logits, stop));
            if (stop || n == cfg.maxNewTokens() || cache.length() >= model.maxPositions()) {
                break; // the last condition: the model has no position left for the token just chosen
            }
            logits = step(() -> model.nextLogits(token, cache));
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Runs one step without autograd in its own scope and copies the logits out. */
    private static float[] step(Supplier<Tensor> body) {
        ThreadPools.init();
        try (InferenceMode mode = new InferenceMode(); PointerScope scope = new PointerScope()) {
            return Tensors.toFloats(body.get());
        }
    }
}
