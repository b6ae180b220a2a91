package io.piip4j.llava.projector;

import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * One branch of {@code TwoBranchMLP}: Linear → norm → GELU → Linear over the channels of a
 * (B, C, H, W) map. With {@code gn} the norm is {@code GroupNorm(32)} (Sequential indexes 1, 3, 6);
 * with {@code ln} a weightless LayerNorm over channels (indexes 1, 5), as the release's
 * {@code ReshapeAndLN}.
 */
public final class ProjectorBranch extends Module {
    private static final int GROUPS = 32;

    private final Linear first;
    private final GroupNorm groupNorm;
    private final Linear second;

    public ProjectorBranch(long in, long out, boolean groupNormed) {
        Sequential s = child("", new Sequential());
        this.first = s.at(1, new Linear(in, out));
        if (groupNormed) {
            if (out % GROUPS != 0) {
                throw new IllegalArgumentException("GroupNorm(32) needs a width divisible by 32, got " + out);
            }
            this.groupNorm = s.at(3, new GroupNorm(GROUPS, out));
            this.second = s.at(6, new Linear(out, out));
        } else {
            this.groupNorm = null;
            this.second = s.at(5, new Linear(out, out));
        }
    }

    /** (B, C, H, W) to (B, out, H, W). */
    public Tensor forward(Tensor map) {
        Tensor h = first.forward(map.permute(0, 2, 3, 1));
        if (groupNorm != null) {
            h = groupNorm.forward(h.permute(0, 3, 1, 2)).permute(0, 2, 3, 1);
        } else {
            h = F.layerNorm(h, null, null, 1e-5);
        }
        return second.forward(F.gelu(h)).permute(0, 3, 1, 2);
    }
}
