package io.piip4j.llava.lm;

import io.piip4j.nn.Linear;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * The output projection to vocabulary logits: its own {@code lm_head.weight}, or the input
 * embedding's weight where {@code tie_word_embeddings} is set (then the checkpoint has no lm_head).
 */
public final class LmHead {
    private final Linear own;
    private final TokenEmbedding tied;

    private LmHead(Linear own, TokenEmbedding tied) {
        this.own = own;
        this.tied = tied;
    }

    /** Builds the head; {@code register} adds an owned {@code lm_head} to the model tree (not called when tied). */
    public static LmHead create(LlamaConfig cfg, TokenEmbedding embedding, java.util.function.Function<Linear, Linear> register) {
        if (cfg.tieWordEmbeddings()) {
            return new LmHead(null, embedding);
        }
        return new LmHead(register.apply(new Linear(cfg.hiddenSize(), cfg.vocabSize(), false)), null);
    }

    /** (…, hidden) to (…, vocab), in float32. */
    public Tensor forward(Tensor hidden) {
        Tensor logits = own != null ? own.forward(hidden) : F.linear(hidden, tied.weight().get(), null);
        return logits.to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    }

    /** Whether this head owns weights (a module to count and load). */
    public boolean owned() {
        return own != null;
    }
}
