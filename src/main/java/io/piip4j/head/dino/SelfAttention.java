package io.piip4j.head.dino;

import io.piip4j.nn.Module;
import io.piip4j.nn.MultiheadAttention;
import org.bytedeco.pytorch.Tensor;

/**
 * mmcv's {@code MultiheadAttention} as a self-attention: queries and keys carry the positional
 * embedding, values do not, and the input is added back: {@code x + attn(x + pos, x + pos, x)}. The
 * torch attention sits under {@code attn}.
 */
final class SelfAttention extends Module {
    private final MultiheadAttention attn;

    SelfAttention(long dim, int numHeads) {
        this.attn = child("attn", new MultiheadAttention(dim, numHeads));
    }

    Tensor forward(Tensor x, Tensor pos) {
        Tensor qk = x.add(pos);
        return x.add(attn.forward(qk, qk, x));
    }
}
