package io.piip4j.llava.lm;

import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code nn.Embedding} ({@code embed_tokens.weight}, vocab × hidden): token ids to vectors. */
public final class TokenEmbedding extends Module {
    private final Parameter weight;
    private final long vocab;

    public TokenEmbedding(long vocab, long dim) {
        this.vocab = vocab;
        this.weight = parameter("weight", vocab, dim);
    }

    /** (…) int64 ids to (…, hidden). */
    public Tensor forward(Tensor ids) {
        return torch.embedding(weight.get(), ids);
    }

    /** Fails on an id outside the vocabulary (the engine would read out of bounds or throw a C++ error). */
    public void check(long[] ids) {
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    Parameter weight() {
        return weight;
    }
}
