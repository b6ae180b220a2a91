package io.piip4j.llava.projector;

import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * The release's {@code TwoBranchMLP} ({@code mm_projector}): branch 1's map is resized bilinearly
 * to branch 2's grid (or both to {@code out_shape}), each is projected to the language model's
 * width by its own {@link ProjectorBranch}, the two are summed and flattened row-major into image
 * tokens (B, H·W, hidden).
 */
public final class TwoBranchProjector extends Module {
    private final ProjectorConfig cfg;
    private final long outDim;
    private final ProjectorBranch branch1;
    private final ProjectorBranch branch2;

    public TwoBranchProjector(ProjectorConfig cfg, long outDim) {
        this.cfg = cfg;
        this.outDim = outDim;
        boolean gn = cfg.norm().equals("gn");
        this.branch1 = child("branch1", new ProjectorBranch(cfg.dim1(), outDim, gn));
        this.branch2 = child("branch2", new ProjectorBranch(cfg.dim2(), outDim, gn));
    }

    public Tensor forward(Tensor map1, Tensor map2) {
        if (map1.size(1) != cfg.dim1() || map2.size(1) != cfg.dim2()) {
            throw new IllegalArgumentException("projector expects " + cfg.dim1() + " and " + cfg.dim2() + " channels, got "
                    + map1.size(1) + " and " + map2.size(1));
        }
        long h = cfg.outShape() > 0 ? cfg.outShape() : map2.size(2);
        long w = cfg.outShape() > 0 ? cfg.outShape() : map2.size(3);
        Tensor a = F.interpolateBilinear(map1, h, w);
        Tensor b = cfg.outShape() > 0 ? F.interpolateBilinear(map2, h, w) : map2;
        Tensor sum = branch1.forward(a).add(branch2.forward(b));
        return sum.reshape(sum.size(0), outDim, h * w).transpose(1, 2);
    }
}
