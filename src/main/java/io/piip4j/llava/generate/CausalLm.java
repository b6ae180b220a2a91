package io.piip4j.llava.generate;

import io.piip4j.llava.lm.KvCache;
import org.bytedeco.pytorch.Tensor;

/** What generation needs of a language model: run embeddings after the cache, logits, one more token. */
public interface CausalLm {
    /** (1, n, hidden) embeddings after the cache's tokens to the final hidden states (1, n, hidden). */
    Tensor forwardEmbeds(Tensor embeds, KvCache cache);

    /** Hidden states to float32 vocabulary logits. */
    Tensor logits(Tensor hidden);

    /** The longest sequence the model takes ({@code max_position_embeddings}). */
    long maxPositions();

    /** The logits (vocab) after one more token, extending the cache. */
    Tensor nextLogits(long token, KvCache cache);
}
