package io.piip4j.backbone.branch;

import io.piip4j.nn.ConvTranspose2d;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * A single-branch ViT baseline's own output layers ({@code with_fpn}), from stride-16 maps to
 * strides 4, 8, 16, 32: {@code up1} = transposed conv, channels-first LayerNorm, GELU, transposed
 * conv; {@code up2} = transposed conv; {@code up3} identity; {@code up4} 2×2 max-pool.
 * InternViT6B's {@code with_final_norm} ends each with a channels-first LayerNorm. Indices are the
 * {@code nn.Sequential}'s.
 */
final class UpLayers {
    private final Up[] ups;

    UpLayers(Branch owner, long dim, boolean finalNorm) {
        this.ups = new Up[] {
            owner.registerUp("up1", new Up(dim, 2, finalNorm ? 4 : -1)),
            owner.registerUp("up2", new Up(dim, 1, finalNorm ? 1 : -1)),
            owner.registerUp("up3", new Up(dim, 0, finalNorm ? 1 : -1)),
            owner.registerUp("up4", new Up(dim, -1, finalNorm ? 1 : -1))};
    }

    /** Level i from {@code maps.get(i)} (one map: every level from it). */
    Tensor level(int i, Tensor map) {
        return ups[i].forward(map);
    }

    /** One of up1…up4. */
    static final class Up extends Module {
        private final ConvTranspose2d first;
        private final ChannelsFirstLayerNorm midNorm;
        private final ConvTranspose2d second;
        private final ChannelsFirstLayerNorm finalNorm;
        private final boolean pool;

        /**
         * @param convs     2: conv, norm, GELU, conv (4×); 1: conv (2×); 0: identity; −1: max-pool (½×)
         * @param normIndex the final norm's index in the Sequential, or −1 for none
         */
        Up(long dim, int convs, int normIndex) {
            this.first = convs >= 1 ? child("0", new ConvTranspose2d(dim, dim, 2, 2)) : null;
            this.midNorm = convs == 2 ? child("1", new ChannelsFirstLayerNorm(dim, 1e-6)) : null;
            this.second = convs == 2 ? child("3", new ConvTranspose2d(dim, dim, 2, 2)) : null;
            this.pool = convs < 0;
            this.finalNorm = normIndex >= 0 ? child(Integer.toString(normIndex), new ChannelsFirstLayerNorm(dim, 1e-6)) : null;
        }

        Tensor forward(Tensor x) {
            Tensor y = x;
            if (first != null) {
                y = first.forward(y);
            }
            if (second != null) {
                y = second.forward(F.gelu(midNorm.forward(y)));
            }
            if (pool) {
                y = F.maxPool2d(y, 2, 2);
            }
            return finalNorm == null ? y : finalNorm.forward(y);
        }
    }
}
