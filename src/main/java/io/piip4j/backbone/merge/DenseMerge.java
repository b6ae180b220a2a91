package io.piip4j.backbone.merge;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * How the dense backbones bring one branch's feature map to the merged width ({@code merge_branchN},
 * {@code intermediate_merging_K_branchN}): an {@code nn.Sequential} of 3×3 bias-free convolutions,
 * GroupNorm(32) and ReLU. The simple-FPN path uses two conv/norm/ReLU stages for every branch; the
 * regular-FPN path (PIIPThreeBranch, {@code with_simple_fpn: false}) one, and for branch 1 only the
 * norm.
 */
public final class DenseMerge extends Module {
    private final Conv2d conv1;
    private final GroupNorm norm1;
    private final Conv2d conv2;
    private final GroupNorm norm2;

    private DenseMerge(long dim, long targetDim, boolean firstConv, boolean secondStage) {
        if (firstConv) {
            this.conv1 = child("0", new Conv2d(dim, targetDim, 3, 1, 1, 1, false));
            this.norm1 = child("1", new GroupNorm(32, targetDim));
        } else {
            this.conv1 = null;
            this.norm1 = child("0", new GroupNorm(32, targetDim));
        }
        if (secondStage) {
            this.conv2 = child("3", new Conv2d(targetDim, targetDim, 3, 1, 1, 1, false));
            this.norm2 = child("4", new GroupNorm(32, targetDim));
        } else {
            this.conv2 = null;
            this.norm2 = null;
        }
    }

    /** conv → GN → ReLU → conv → GN → ReLU ({@code .0 .1 .3 .4}), for every branch of the simple-FPN path. */
    public static DenseMerge twoStage(long dim, long targetDim) {
        return new DenseMerge(dim, targetDim, true, true);
    }

    /** Regular-FPN path: GN → ReLU for branch 1 ({@code .0}), conv → GN → ReLU for the others ({@code .0 .1}). */
    public static DenseMerge oneStage(long dim, long targetDim, boolean firstBranch) {
        return new DenseMerge(dim, targetDim, !firstBranch, false);
    }

    /** (B, C, H, W) → (B, C_target, H, W). */
    public Tensor forward(Tensor x) {
        Tensor y = conv1 == null ? x : conv1.forward(x);
        y = F.relu(norm1.forward(y));
        if (conv2 != null) {
            y = F.relu(norm2.forward(conv2.forward(y)));
        }
        return y;
    }
}
