package io.piip4j.head.dino;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * mmcv's {@code SinePositionalEncoding} of a padding mask: per image the running count of unpadded
 * cells down each column ({@code y}) and along each row ({@code x}), optionally normalised by the
 * last count ({@code (c + offset) / (last + eps) · scale}), each sine-embedded with
 * {@code num_feats} features; channels {@code [pos_y, pos_x]}. No parameters.
 */
public final class SinePositionalEncoding {
    private final int numFeats;
    private final double temperature;
    private final boolean normalize;
    private final double scale;
    private final double eps;
    private final double offset;

    public SinePositionalEncoding(int numFeats, double temperature, boolean normalize, double scale, double eps, double offset) {
        if (numFeats < 1) {
            throw new IllegalArgumentException("num_feats must be positive, got " + numFeats);
        }
        this.numFeats = numFeats;
        this.temperature = temperature;
        this.normalize = normalize;
        this.scale = scale;
        this.eps = eps;
        this.offset = offset;
    }

    /** The channels it produces: {@code 2 · num_feats}. */
    public int channels() {
        return 2 * numFeats;
    }

    /** {@code mask} (B, H, W) bool, true at padding → (B, 2·num_feats, H, W). */
    public Tensor forward(Tensor mask) {
        Tensor notMask = mask.logical_not().to(ScalarType.Float);
        Tensor y = notMask.cumsum(1);
        Tensor x = notMask.cumsum(2);
        if (normalize) {
            long h = y.size(1);
            long w = x.size(2);
            y = F.mul(F.add(y, offset).div(F.add(y.narrow(1, h - 1, 1), eps)), scale);
            x = F.mul(F.add(x, offset).div(F.add(x.narrow(2, w - 1, 1), eps)), scale);
        }
        Tensor posY = SineEmbedding.of(y, numFeats, temperature);
        Tensor posX = SineEmbedding.of(x, numFeats, temperature);
        return F.cat(3, posY, posX).permute(0, 3, 1, 2);
    }
}
