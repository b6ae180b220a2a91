package io.piip4j.backbone;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.branch.ConvNextBranch;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.BranchKind;
import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.ConvTranspose2d;
import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Scoped;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A single-branch baseline backbone of the paper's comparisons ({@code vit_models},
 * {@code InternViT6B}, {@code ConvNextHFWrapper} used alone), with the reference's keys (no branch
 * prefix), so PIIP and its baseline can be compared on the same input:
 * <ul>
 * <li>ViTs: the blocks' outputs at {@code out_indices} as stride-16 maps (the last only with
 * {@code use_simple_fpn}), through the branch's {@code up1…up4} when {@code with_fpn} (strides 4,
 * 8, 16, 32);</li>
 * <li>ConvNeXt: the four stages' outputs (strides 4…32; the regular-FPN baseline), or with
 * {@code with_simple_fpn} the last stage through {@code fpn1…fpn3} (8×, 4×, 2×) and itself.</li>
 * </ul>
 */
public final class BaselineBackbone extends DenseBackbone {
    private final PiipConfig config;
    private final Branch branch;
    private final List<Upsampling> convnextFpn = new ArrayList<>();

    public BaselineBackbone(PiipConfig config) {
        if (!config.isBaseline()) {
            throw new IllegalArgumentException("not a single-branch baseline config: " + config.typeName());
        }
        this.config = config;
        BranchConfig b = config.branches().get(0);
        this.branch = child("", Branch.createDense(b));
        if (config.dense().baselineSimpleFpn()) {
            long d = b.embedDim();
            for (int i = 0; i < 3; i++) {
                convnextFpn.add(child("fpn" + (i + 1), new Upsampling(d, 3 - i)));
            }
        }
        int outs = config.dense().useSimpleFpn() ? 1 : config.dense().outIndices().size();
        if (b.kind() == BranchKind.INTERNVIT && b.withFpn() && outs != 1 && outs != 4) {
            throw new ConfigException(config.typeName() + ".out_indices: with_fpn takes one output or four, got " + outs);
        }
    }

    @Override
    public PiipConfig config() {
        return config;
    }

    public Branch branch() {
        return branch;
    }

    @Override
    public FeaturePyramid forwardFeatures(Tensor image) {
        if (branch instanceof ConvNextBranch convnext) {
            return convnextFeatures(convnext, image);
        }
        BranchConfig b = branch.config();
        List<Integer> taken = config.dense().outIndices();
        Branch.Embedded e = branch.call(Branch.EMBED, () -> branch.embed(image));
        List<Tensor> outs = new ArrayList<>();
        int next = 0;
        for (int index : taken) {
            Branch.Embedded in = e;
            int first = next;
            e = branch.call(Branch.BLOCKS, () -> branch.forwardBlocks(in, first, index));
            next = index + 1;
            Tensor t = e.tokens();
            outs.add(t.transpose(1, 2).reshape(t.size(0), t.size(2), e.h(), e.w()));
        }
        if (config.dense().useSimpleFpn()) {
            outs = List.of(outs.get(outs.size() - 1));
        }
        int p = b.patchSize();
        if (!branch.hasUpLayers()) {
            int[] strides = new int[outs.size()];
            java.util.Arrays.fill(strides, p);
            return FeaturePyramid.of(outs, strides);
        }
        // vit_models feeds its last output to every level; InternViT6B one output per level where it has four
        List<Tensor> in = b.kind() == BranchKind.DEIT ? List.of(outs.get(outs.size() - 1)) : outs;
        return FeaturePyramid.of(branch.upLevels(in), new int[] {p / 4, p / 2, p, 2 * p});
    }

    private FeaturePyramid convnextFeatures(ConvNextBranch convnext, Tensor image) {
        List<Tensor> stages = convnext.stageMaps(image);
        int p = convnext.config().convnext().patchSize();
        int[] strides = {p, 2 * p, 4 * p, 8 * p};
        if (convnextFpn.isEmpty()) {
            return FeaturePyramid.of(stages, strides);
        }
        Tensor last = stages.get(stages.size() - 1);
        List<Tensor> maps = new ArrayList<>();
        for (Upsampling up : convnextFpn) {
            maps.add(Scoped.one(() -> up.forward(last)));
        }
        maps.add(last);
        return FeaturePyramid.of(maps, strides);
    }

    /**
     * {@code ConvNextHFWrapper}'s simple-FPN layers: {@code steps} transposed 2×2 convs, each but
     * the last followed by GroupNorm(32) and GELU (Sequential indices 0, 1, 3, 4, 6).
     */
    static final class Upsampling extends Module {
        private final List<ConvTranspose2d> convs = new ArrayList<>();
        private final List<GroupNorm> norms = new ArrayList<>();

        Upsampling(long dim, int steps) {
            for (int i = 0; i < steps; i++) {
                convs.add(child(Integer.toString(3 * i), new ConvTranspose2d(dim, dim, 2, 2)));
                if (i < steps - 1) {
                    norms.add(child(Integer.toString(3 * i + 1), new GroupNorm(32, dim)));
                }
            }
        }

        Tensor forward(Tensor x) {
            Tensor y = x;
            for (int i = 0; i < convs.size(); i++) {
                y = convs.get(i).forward(y);
                if (i < norms.size()) {
                    y = F.gelu(norms.get(i).forward(y));
                }
            }
            return y;
        }
    }
}
