package io.piip4j.head.dino;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The sine embedding DETR-style transformers share: each value divided by
 * {@code temperature^(2·⌊i/2⌋ / feats)} for {@code i < feats}, then sine at even {@code i} and
 * cosine at odd {@code i} (interleaved, as the reference stacks and flattens them).
 */
final class SineEmbedding {
    private SineEmbedding() {
    }

    /** {@code values} (…) → (…, feats). */
    static Tensor of(Tensor values, int feats, double temperature) {
        float[] dimT = new float[feats];
        int[] even = new int[feats];
        for (int i = 0; i < feats; i++) {
            // the reference's float32 steps: 2 * (i // 2) / feats, then temperature ** that
            float exponent = (float) (2 * (i / 2)) / feats;
            dimT[i] = (float) Math.pow(temperature, exponent);
            even[i] = i % 2 == 0 ? 1 : 0;
        }
        Tensor pos = values.unsqueeze(-1).div(Tensors.fromFloats(dimT, feats));
        Tensor isEven = Tensors.fromInts(even, feats).to(ScalarType.Bool);
        return pos.sin().where(isEven, pos.cos());
    }
}
