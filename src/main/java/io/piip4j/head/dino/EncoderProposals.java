package io.piip4j.head.dino;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The two-stage proposals of deformable DETR ({@code gen_encoder_output_proposals}): one box per
 * memory token, centred on its cell over the level's valid extent,
 * {@code ((x + 0.5) / valid_W, (y + 0.5) / valid_H)}, sized {@code 0.05 · 2^level}; a proposal is
 * usable where the token is not padding and all four values lie in (0.01, 0.99). Usable proposals
 * are kept as logits {@code log(p / (1 − p))}, the others become +inf (so their boxes saturate to 1).
 */
final class EncoderProposals {
    /** (B, Len, 4) logits, +inf where not usable. */
    final float[] logits;
    /** (B, Len): the token's proposal is usable. */
    final boolean[] usable;
    private final int batch;
    private final int len;

    EncoderProposals(LevelMasks masks) {
        this.batch = masks.batch;
        this.len = (int) masks.levels.tokens();
        this.logits = new float[batch * len * 4];
        this.usable = new boolean[batch * len];
        long[] hs = masks.levels.heights();
        long[] ws = masks.levels.widths();
        for (int b = 0; b < batch; b++) {
            int t = 0;
            for (int l = 0; l < masks.levels.count(); l++) {
                int h = (int) hs[l];
                int w = (int) ws[l];
                float validW = masks.validW[b][l];
                float validH = masks.validH[b][l];
                float size = 0.05f * (float) Math.pow(2, l);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++, t++) {
                        float[] p = {(x + 0.5f) / validW, (y + 0.5f) / validH, size, size};
                        boolean ok = !masks.padded[b][l][y * w + x];
                        for (float v : p) {
                            ok &= v > 0.01f && v < 0.99f;
                        }
                        usable[b * len + t] = ok;
                        for (int k = 0; k < 4; k++) {
                            logits[(b * len + t) * 4 + k] = ok ? (float) Math.log(p[k] / (1f - p[k])) : Float.POSITIVE_INFINITY;
                        }
                    }
                }
            }
        }
    }

    Tensor logitTensor() {
        return Tensors.fromFloats(logits, batch, len, 4);
    }

    /** (B, Len, 1) bool: true where the proposal is not usable (its memory is zeroed). */
    Tensor unusableTensor() {
        int[] v = new int[usable.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = usable[i] ? 0 : 1;
        }
        return Tensors.fromInts(v, batch, len, 1).to(ScalarType.Bool);
    }
}
