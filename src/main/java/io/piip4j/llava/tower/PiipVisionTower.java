package io.piip4j.llava.tower;

import io.piip4j.backbone.interaction.DeformInputs;
import io.piip4j.backbone.interaction.InteractionBlock;
import io.piip4j.backbone.interaction.InteractionUnit;
import io.piip4j.backbone.interaction.ScaleNames;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Scoped;
import java.util.List;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;

/**
 * The PIIP-LLaVA vision tower ({@code PIIPTwoBranchModel} / {@code PIIPTwoBranchMixModel}):
 * branch 1 (the larger model) sees the image bilinearly shrunk to its size, branch 2 the image as
 * given; after each run of blocks a bidirectional interaction unit (deformable attention and
 * ConvFFN, the backbones' {@link InteractionUnit} with the release's {@code ca_weight} names)
 * exchanges features. The result is both branches' final maps.
 */
public final class PiipVisionTower extends Module {
    private final TowerConfig cfg;
    private final TowerBranch branch1;
    private final TowerBranch branch2;
    private final ModuleList<InteractionBlock> interactions;

    /** The two final (B, C, H, W) maps. */
    public record Maps(Tensor branch1, Tensor branch2) {
    }

    public PiipVisionTower(TowerConfig cfg) {
        this.cfg = cfg;
        this.branch1 = child("branch1", cfg.branch1().build());
        this.branch2 = child("branch2", cfg.branch2().build());
        this.interactions = child("interactions", new ModuleList<>());
        for (int i = 0; i < cfg.numInteractions(); i++) {
            long dim1 = branch1.outDim(lastBlock(cfg.branch1(), i));
            long dim2 = branch2.outDim(lastBlock(cfg.branch2(), i));
            interactions.add(new InteractionBlock(List.of(new InteractionUnit(dim1, dim2, cfg.interactAttnType(), cfg.deformNumHeads(),
                    cfg.nPoints(), cfg.deformRatio(), cfg.withCffn(), cfg.cffnRatio(), cfg.interactionProj(), true, ScaleNames.WEIGHT))));
        }
    }

    private static int lastBlock(TowerBranchConfig b, int interaction) {
        return b.interactionIndexes()[interaction][1];
    }

    public TowerConfig config() {
        return cfg;
    }

    /** The image size the tower takes (branch 2's). */
    public long inputSize() {
        return branch2.imgSize();
    }

    public Maps forward(Tensor image) {
        return forward(image, null);
    }

    /**
     * @param image (B, 3, S, S) normalised, S = branch 2's {@code img_size}
     * @param tap   sees named intermediates ({@code branch1.pre_layrnorm}, {@code interactions.0.out0}…); may be null
     */
    public Maps forward(Tensor image, BiConsumer<String, Tensor> tap) {
        double scale = (double) branch1.imgSize() / branch2.imgSize();
        Tensor x2 = image;
        Tensor x1 = scale < 1 ? F.interpolateBilinear(image, scale) : image;
        long h1 = x1.size(2);
        long w1 = x1.size(3);
        long h2 = x2.size(2);
        long w2 = x2.size(3);
        TokenGrid g1 = branch1.embed(x1, tap == null ? null : (k, v) -> tap.accept("branch1." + k, v));
        TokenGrid g2 = branch2.embed(x2, tap == null ? null : (k, v) -> tap.accept("branch2." + k, v));
        for (int i = 0; i < interactions.size(); i++) {
            int[] run1 = cfg.branch1().interactionIndexes()[i];
            int[] run2 = cfg.branch2().interactionIndexes()[i];
            long r1 = branch1.downsampleRatio(run1[1]);
            long r2 = branch2.downsampleRatio(run2[1]);
            boolean deform = cfg.interactAttnType().equals("deform");
            DeformInputs into1 = deform ? DeformInputs.between(h1, w1, r1, h2, w2, r2) : null;
            DeformInputs into2 = deform ? DeformInputs.between(h2, w2, r2, h1, w1, r1) : null;
            InteractionUnit unit = interactions.get(i).units().get(0);
            TokenGrid in1 = g1;
            TokenGrid in2 = g2;
            long[] grids = new long[4]; // the grids after the blocks (ConvNeXt downsampling changes them)
            Tensor[] out = Scoped.all(() -> {
                TokenGrid a = branch1.runBlocks(run1[0], run1[1], in1);
                TokenGrid b = branch2.runBlocks(run2[0], run2[1], in2);
                grids[0] = a.h();
                grids[1] = a.w();
                grids[2] = b.h();
                grids[3] = b.w();
                Tensor[] y = unit.forward(a.tokens(), b.tokens(), into1, into2, a.h(), a.w(), b.h(), b.w());
                return new Tensor[] {y[0], y[1], a.cls(), b.cls()};
            });
            g1 = new TokenGrid(out[0], out[2], grids[0], grids[1]);
            g2 = new TokenGrid(out[1], out[3], grids[2], grids[3]);
            if (tap != null) {
                String p = "interactions." + i + ".";
                tap.accept(p + "out0", g1.tokens());
                tap.accept(p + "out1", g2.tokens());
                int k = 2;
                if (g1.cls() != null) {
                    tap.accept(p + "out" + k++, g1.cls());
                }
                if (g2.cls() != null) {
                    tap.accept(p + "out" + k, g2.cls());
                }
            }
        }
        return new Maps(g1.map(), g2.map());
    }
}
