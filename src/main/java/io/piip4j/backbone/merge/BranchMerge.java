package io.piip4j.backbone.merge;

import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Brings one branch's feature map to the merged width: GroupNorm(32) for the widest branch
 * ({@code merge_branch1}), otherwise GroupNorm → Linear to the widest width → GroupNorm
 * ({@code merge_branchN.0/.2/.4}, the Sequential's indices; .1 and .3 are the permutes).
 */
public final class BranchMerge {
    private BranchMerge() {
    }

    /** Creates and registers the merge layer for a branch under {@code parent}. */
    public static Module create(long dim, long targetDim, boolean widest) {
        return widest ? new GroupNorm(32, dim) : new Projected(dim, targetDim);
    }

    public static Tensor forward(Module merge, Tensor x) {
        return merge instanceof GroupNorm g ? g.forward(x) : ((Projected) merge).forward(x);
    }

    static final class Projected extends Module {
        private final GroupNorm norm;
        private final Linear proj;
        private final GroupNorm outNorm;

        Projected(long dim, long targetDim) {
            this.norm = child("0", new GroupNorm(32, dim));
            this.proj = child("2", new Linear(dim, targetDim));
            this.outNorm = child("4", new GroupNorm(32, targetDim));
        }

        /** (B, C, H, W) → (B, C_target, H, W). */
        Tensor forward(Tensor x) {
            Tensor y = proj.forward(norm.forward(x).permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
            return outNorm.forward(y);
        }
    }
}
