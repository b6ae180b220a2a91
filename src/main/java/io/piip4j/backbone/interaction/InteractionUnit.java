package io.piip4j.backbone.interaction;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The bidirectional interaction between two neighbouring branches: branch 1 (larger model,
 * smaller image) and branch 2 (smaller model, larger image) each receive the other's features,
 * both computed from the features as they were before this unit ({@code BidirectionalInteractionUnit}).
 */
public final class InteractionUnit extends Module {
    private final Linear branch2to1Proj;
    private final Linear branch1to2Proj;
    private final Injector branch2to1;
    private final Injector branch1to2;

    public InteractionUnit(long dim1, long dim2, String attnType, int heads, int nPoints, double deformRatio,
            boolean withCffn, double cffnRatio, boolean withProj, boolean withNorm) {
        this(dim1, dim2, attnType, heads, nPoints, deformRatio, withCffn, cffnRatio, withProj, withNorm, ScaleNames.GAMMA);
    }

    public InteractionUnit(long dim1, long dim2, String attnType, int heads, int nPoints, double deformRatio,
            boolean withCffn, double cffnRatio, boolean withProj, boolean withNorm, ScaleNames scales) {
        if (withProj) {
            this.branch2to1Proj = child("branch2to1_proj", new Linear(dim2, dim1));
            this.branch1to2Proj = child("branch1to2_proj", new Linear(dim1, dim2));
        } else {
            this.branch2to1Proj = null;
            this.branch1to2Proj = null;
        }
        this.branch2to1 = child("branch2to1_injector", new Injector(dim1, withProj ? dim1 : dim2, attnType, heads,
                nPoints, deformRatio, withCffn, cffnRatio, withNorm, scales));
        this.branch1to2 = child("branch1to2_injector", new Injector(dim2, withProj ? dim2 : dim1, attnType, heads,
                nPoints, deformRatio, withCffn, cffnRatio, withNorm, scales));
    }

    /** Returns the updated pair {x1, x2}. */
    public Tensor[] forward(Tensor x1, Tensor x2, DeformInputs into1, DeformInputs into2, long h1, long w1, long h2, long w2) {
        return hooked() ? call(FORWARD, () -> exchange(x1, x2, into1, into2, h1, w1, h2, w2))
                : exchange(x1, x2, into1, into2, h1, w1, h2, w2);
    }

    private Tensor[] exchange(Tensor x1, Tensor x2, DeformInputs into1, DeformInputs into2, long h1, long w1, long h2, long w2) {
        Tensor from1 = branch1to2Proj == null ? x1 : branch1to2Proj.forward(x1);
        Tensor from2 = branch2to1Proj == null ? x2 : branch2to1Proj.forward(x2);
        Tensor y1 = branch2to1.forward(x1, from2, into1, h1, w1);
        Tensor y2 = branch1to2.forward(x2, from1, into2, h2, w2);
        return new Tensor[] {y1, y2};
    }
}
