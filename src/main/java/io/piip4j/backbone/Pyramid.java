package io.piip4j.backbone;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Module.ModuleList;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The heart of PIIP, shared by the classification and dense models: the branches run their block
 * groups side by side, and after each group an {@link InteractionBlock} exchanges features between
 * neighbours.
 */
public final class Pyramid {
    private Pyramid() {
    }

    /** Builds the interaction stages of a config. */
    public static ModuleList<InteractionBlock> interactions(PiipConfig cfg) {
        ModuleList<InteractionBlock> stages = new ModuleList<>();
        List<BranchConfig> b = cfg.branches();
        for (int k = 0; k < cfg.numInteractions(); k++) {
            List<InteractionUnit> units = new ArrayList<>();
            for (int i = 0; i + 1 < b.size(); i++) {
                units.add(new InteractionUnit(b.get(i).embedDim(), b.get(i + 1).embedDim(), cfg.interactAttnType(),
                        cfg.deformNumHeads(), cfg.nPoints(), cfg.deformRatio(), cfg.withCffn(), cfg.cffnRatio(),
                        cfg.interactionProj()));
            }
            stages.add(new InteractionBlock(units));
        }
        return stages;
    }

    /**
     * For each neighbouring pair (i, i+1), where each side's queries sample the other side:
     * {@code [pair][0]} into branch i, {@code [pair][1]} into branch i+1. Null for plain
     * cross-attention.
     *
     * @param images the per-branch input images (their sizes drive the geometry)
     * @param scales {@code scales[i] = size_i / size_{i+1}}
     */
    public static DeformInputs[][] deformInputs(PiipConfig cfg, List<Tensor> images, double[] scales) {
        DeformInputs[][] out = new DeformInputs[images.size() - 1][];
        for (int i = 0; i + 1 < images.size(); i++) {
            if (!cfg.interactAttnType().equals("deform")) {
                out[i] = new DeformInputs[] {null, null};
                continue;
            }
            Tensor small = images.get(i);
            Tensor large = images.get(i + 1);
            out[i] = new DeformInputs[] {
                DeformInputs.fromSmaller(small.size(2), small.size(3), scales[i]),
                DeformInputs.fromLarger(large.size(2), large.size(3), scales[i])};
        }
        return out;
    }

    /** Runs every block group and interaction; {@code x} holds each branch's embedded tokens. */
    public static List<Branch.Embedded> run(PiipConfig cfg, List<Branch> branches, ModuleList<InteractionBlock> stages,
            List<Branch.Embedded> x, DeformInputs[][] where) {
        List<Branch.Embedded> cur = new ArrayList<>(x);
        for (int k = 0; k < stages.size(); k++) {
            for (int i = 0; i < branches.size(); i++) {
                int[] range = cfg.branches().get(i).interactionIndexes().get(k);
                cur.set(i, branches.get(i).forwardBlocks(cur.get(i), range[0], range[1]));
            }
            List<InteractionUnit> units = stages.get(k).units();
            for (int i = units.size() - 1; i >= 0; i--) {
                Branch.Embedded a = cur.get(i);
                Branch.Embedded b = cur.get(i + 1);
                Tensor[] y = units.get(i).forward(a.tokens(), b.tokens(), where[i][0], where[i][1], a.h(), a.w(), b.h(), b.w());
                cur.set(i, new Branch.Embedded(y[0], a.cls(), a.h(), a.w()));
                cur.set(i + 1, new Branch.Embedded(y[1], b.cls(), b.h(), b.w()));
            }
        }
        return cur;
    }
}
