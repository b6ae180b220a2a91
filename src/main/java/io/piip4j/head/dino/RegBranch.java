package io.piip4j.head.dino;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A DETR box regression branch: {@code num_reg_fcs} Linear(E, E) + ReLU, then Linear(E, 4), named
 * by their places in the reference's {@code nn.Sequential} (0, 2, …, 2·num_reg_fcs).
 */
final class RegBranch extends Module {
    private final List<Linear> fcs = new ArrayList<>();

    RegBranch(long dim, int numRegFcs) {
        for (int i = 0; i < numRegFcs; i++) {
            fcs.add(child(Integer.toString(2 * i), new Linear(dim, dim)));
        }
        fcs.add(child(Integer.toString(2 * numRegFcs), new Linear(dim, 4)));
    }

    Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < fcs.size(); i++) {
            y = fcs.get(i).forward(y);
            if (i < fcs.size() - 1) {
                y = F.relu(y);
            }
        }
        return y;
    }
}
