package io.piip4j.backbone.merge;

import io.piip4j.nn.ConvTranspose2d;
import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * The ViT-style feature pyramid at the dense backbones' output, from one stride-16 map to strides
 * 4, 8, 16 and 32: {@code fpn1} = transposed conv 2×2, GroupNorm(32), GELU, transposed conv 2×2;
 * {@code fpn2} = transposed conv 2×2; {@code fpn3} = identity; {@code fpn4} = 2×2 max-pool. Only
 * fpn1 and fpn2 have weights (registered at their {@code nn.Sequential} indices).
 */
public final class SimpleFpn {
    private SimpleFpn() {
    }

    /** {@code fpn1}: 4× upsampling. */
    public static final class Up4 extends Module {
        private final ConvTranspose2d up1;
        private final GroupNorm norm;
        private final ConvTranspose2d up2;

        public Up4(long dim) {
            this.up1 = child("0", new ConvTranspose2d(dim, dim, 2, 2));
            this.norm = child("1", new GroupNorm(32, dim));
            this.up2 = child("3", new ConvTranspose2d(dim, dim, 2, 2));
        }

        public Tensor forward(Tensor x) {
            return up2.forward(F.gelu(norm.forward(up1.forward(x))));
        }
    }

    /** {@code fpn2}: 2× upsampling. */
    public static final class Up2 extends Module {
        private final ConvTranspose2d up;

        public Up2(long dim) {
            this.up = child("0", new ConvTranspose2d(dim, dim, 2, 2));
        }

        public Tensor forward(Tensor x) {
            return up.forward(x);
        }
    }

    /** {@code fpn4}: {@code MaxPool2d(2, 2)}. */
    public static Tensor down2(Tensor x) {
        return F.maxPool2d(x, 2, 2);
    }
}
