package io.piip4j.backbone;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.interaction.DeformInputs;
import io.piip4j.backbone.interaction.InteractionBlock;
import io.piip4j.backbone.interaction.InteractionUnit;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Module.ModuleList;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Scoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;

/**
 * The heart of PIIP, shared by the classification and dense models: the input is resized for each
 * branch and embedded, the branches run their block groups side by side, and after each group an
 * {@link InteractionBlock} exchanges features between neighbours. It holds the network's own
 * branches and interaction stages (registered as the network's children, so state-dict keys stay
 * {@code branchN.…} and {@code interactions.…}).
 */
public final class Pyramid {
    private final PiipConfig config;
    private final List<Branch> branches;
    private final ModuleList<InteractionBlock> stages;

    public Pyramid(PiipConfig config, List<Branch> branches, ModuleList<InteractionBlock> stages) {
        this.config = config;
        this.branches = List.copyOf(branches);
        this.stages = stages;
    }

    public List<Branch> branches() {
        return branches;
    }

    /**
     * The input (B, 3, H, W) at the last branch's resolution, resized (bilinear) for each branch by
     * the ratio of its {@code img_size} to the last one's; the last branch takes it as it is.
     */
    public List<Tensor> resize(Tensor image) {
        int n = config.numBranches();
        int last = config.branches().get(n - 1).imgSize();
        List<Tensor> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double s = (double) config.branches().get(i).imgSize() / last;
            images.add(s < 1 ? F.interpolateBilinear(image, s) : image);
        }
        return images;
    }

    /** Each branch's patch and position embedding of its image. */
    public List<Branch.Embedded> embed(List<Tensor> images) {
        List<Branch.Embedded> x = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            Branch branch = branches.get(i);
            Tensor scaled = images.get(i);
            x.add(branch.call(Branch.EMBED, () -> branch.embed(scaled)));
        }
        return x;
    }

    /** Builds the interaction stages of a config. */
    public static ModuleList<InteractionBlock> interactions(PiipConfig cfg) {
        ModuleList<InteractionBlock> stages = new ModuleList<>();
        for (int k = 0; k < cfg.numInteractions(); k++) {
            List<InteractionUnit> units = new ArrayList<>();
            for (int i = 0; i + 1 < cfg.numBranches(); i++) {
                // each side's width where the interaction taps it (ConvNeXt widths grow stage by stage)
                units.add(new InteractionUnit(cfg.interactionDim(i, k), cfg.interactionDim(i + 1, k),
                        cfg.interactAttnType(), cfg.deformNumHeads(), cfg.nPoints(), cfg.deformRatio(), cfg.withCffn(),
                        cfg.cffnRatio(), cfg.interactionProj(), cfg.injectorNorm()));
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

    /**
     * The dense backbones' sampling geometry, per interaction k and neighbouring pair (i, i+1):
     * {@code [k][i][0]} where branch i's queries sample branch i+1, {@code [k][i][1]} the reverse.
     * Each side's grid is its image size floor-divided by its downsample ratio at the interaction
     * ({@code deform_inputs_1_vit / _2_vit}); PIIPTwoBranch and PIIPFourBranch use their default 16.
     * Null entries for plain cross-attention.
     */
    public static DeformInputs[][][] denseDeformInputs(PiipConfig cfg, List<Tensor> images) {
        int n = images.size();
        DeformInputs[][][] out = new DeformInputs[cfg.numInteractions()][n - 1][2];
        if (!cfg.interactAttnType().equals("deform")) {
            return out;
        }
        boolean perBlockRatios = n == 3;
        for (int k = 0; k < cfg.numInteractions(); k++) {
            for (int i = 0; i + 1 < n; i++) {
                BranchConfig a = cfg.branches().get(i);
                BranchConfig b = cfg.branches().get(i + 1);
                long ra = perBlockRatios ? a.blockDownsampleRatios()[a.interactionLayer(k)] : DeformInputs.PATCH;
                long rb = perBlockRatios ? b.blockDownsampleRatios()[b.interactionLayer(k)] : DeformInputs.PATCH;
                Tensor small = images.get(i);
                Tensor large = images.get(i + 1);
                out[k][i][0] = DeformInputs.between(small.size(2), small.size(3), ra, large.size(2), large.size(3), rb);
                out[k][i][1] = DeformInputs.between(large.size(2), large.size(3), rb, small.size(2), small.size(3), ra);
            }
        }
        return out;
    }

    /** Runs every block group and interaction; {@code x} holds each branch's embedded tokens. */
    public List<Branch.Embedded> run(List<Branch.Embedded> x, DeformInputs[][] where) {
        DeformInputs[][][] perStage = new DeformInputs[stages.size()][][];
        Arrays.fill(perStage, where);
        return run(x, perStage, (k, cur) -> { });
    }

    /**
     * As {@link #run(List, DeformInputs[][])} with geometry per
     * interaction; {@code afterInteraction} sees the branches' tokens after each interaction (the
     * intermediate merges of the regular-FPN outputs).
     */
    public List<Branch.Embedded> run(List<Branch.Embedded> x, DeformInputs[][][] where,
            BiConsumer<Integer, List<Branch.Embedded>> afterInteraction) {
        List<Branch.Embedded> cur = new ArrayList<>(x);
        for (int k = 0; k < stages.size(); k++) {
            for (int i = 0; i < branches.size(); i++) {
                int[] range = config.branches().get(i).interactionIndexes().get(k);
                Branch branch = branches.get(i);
                Branch.Embedded e = cur.get(i);
                cur.set(i, branch.call(Branch.BLOCKS, () -> branch.forwardBlocks(e, range[0], range[1])));
            }
            List<InteractionUnit> units = stages.get(k).units();
            for (int i = units.size() - 1; i >= 0; i--) {
                Branch.Embedded a = cur.get(i);
                Branch.Embedded b = cur.get(i + 1);
                InteractionUnit unit = units.get(i);
                DeformInputs into1 = where[k][i][0];
                DeformInputs into2 = where[k][i][1];
                Tensor[] y = Scoped.all(() -> unit.forward(a.tokens(), b.tokens(), into1, into2, a.h(), a.w(), b.h(), b.w()));
                cur.set(i, new Branch.Embedded(y[0], a.cls(), a.h(), a.w()));
                cur.set(i + 1, new Branch.Embedded(y[1], b.cls(), b.h(), b.w()));
            }
            afterInteraction.accept(k, cur);
        }
        return cur;
    }
}
