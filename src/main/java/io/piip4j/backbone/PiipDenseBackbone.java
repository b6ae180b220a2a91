package io.piip4j.backbone;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.interaction.DeformInputs;
import io.piip4j.backbone.merge.DenseMerge;
import io.piip4j.backbone.merge.SimpleFpn;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.BranchKind;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Scoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The PIIP backbone of the detection and segmentation models
 * ({@code mmdetection/mmdet/models/backbones/piip_{2,3,4}branch.py}): the image is resized to each
 * branch's {@code real_size}, the branches run their block groups with an interaction after each,
 * then every branch is merged (conv / GroupNorm / ReLU, learnable weights {@code w1…wN}) into the
 * widest branch's width at the last branch's (highest-resolution) grid, and a feature pyramid is
 * derived for the neck:
 * <ul>
 * <li>simple FPN (the 2- and 4-branch models, and PIIPThreeBranch by default): four maps at
 * strides 4, 8, 16, 32 from the merged map ({@link SimpleFpn});</li>
 * <li>regular FPN (PIIPThreeBranch, {@code with_simple_fpn: false}): intermediate merges after the
 * interactions in {@code out_interaction_indexes} plus the final merge, each taken through fpn1…fpn4
 * (or as they are when the last branch is a ConvNeXt, whose stages already have the strides);</li>
 * <li>DINO ({@code is_dino}): the three coarser maps of the merged map.</li>
 * </ul>
 */
public final class PiipDenseBackbone extends DenseBackbone {
    private final PiipConfig config;
    private final List<Parameter> weights = new ArrayList<>();
    private final Map<Integer, List<Parameter>> intermediateWeights = new LinkedHashMap<>();
    private final List<Branch> branches = new ArrayList<>();
    private final Pyramid pyramid;
    private final SimpleFpn.Up4 fpn1;
    private final SimpleFpn.Up2 fpn2;
    private final Map<Integer, List<DenseMerge>> intermediateMerges = new LinkedHashMap<>();
    private final List<DenseMerge> merges = new ArrayList<>();
    private final boolean regularFpn;
    private final boolean lastIsCnn;

    public PiipDenseBackbone(PiipConfig config) {
        if (config.task() != PiipConfig.Task.DENSE || config.isBaseline()) {
            throw new IllegalArgumentException("not a PIIP dense-prediction backbone config: " + config.typeName());
        }
        this.config = config;
        int n = config.numBranches();
        PiipConfig.DenseOptions dense = config.dense();
        this.regularFpn = n == 3 && !dense.withSimpleFpn();
        this.lastIsCnn = config.branches().get(n - 1).kind() == BranchKind.CONVNEXT;
        for (int i = 1; i <= n; i++) {
            weights.add(parameter("w" + i));
        }
        if (regularFpn) {
            for (int k : dense.outInteractionIndexes()) {
                List<Parameter> ws = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    ws.add(parameter("intermediate_merging_" + k + "_w" + i));
                }
                intermediateWeights.put(k, ws);
            }
        }
        for (BranchConfig b : config.branches()) {
            branches.add(child(b.name(), Branch.createDense(b)));
        }
        this.pyramid = new Pyramid(config, branches, child("interactions", Pyramid.interactions(config)));

        long dim1 = config.branches().get(0).embedDim();
        if (regularFpn) {
            if (lastIsCnn) {
                this.fpn1 = null; // the ConvNeXt stages already give strides 4…32
                this.fpn2 = null;
            } else {
                List<Integer> idx = dense.outInteractionIndexes();
                this.fpn1 = child("fpn1", new SimpleFpn.Up4(config.interactionDim(0, idx.get(0))));
                this.fpn2 = child("fpn2", new SimpleFpn.Up2(config.interactionDim(0, idx.get(1))));
            }
        } else {
            // PIIPThreeBranch always builds fpn1; the 2/4-branch models leave it out for DINO
            this.fpn1 = n == 3 || !dense.isDino() ? child("fpn1", new SimpleFpn.Up4(dim1)) : null;
            this.fpn2 = child("fpn2", new SimpleFpn.Up2(dim1));
        }
        if (regularFpn) {
            for (int k : dense.outInteractionIndexes()) {
                List<DenseMerge> ms = new ArrayList<>();
                long target = config.interactionDim(0, k);
                for (int i = 0; i < n; i++) {
                    ms.add(child("intermediate_merging_" + k + "_branch" + (i + 1),
                            DenseMerge.oneStage(config.interactionDim(i, k), target, i == 0)));
                }
                intermediateMerges.put(k, ms);
            }
        }
        for (int i = 0; i < n; i++) {
            long dim = config.branches().get(i).embedDim();
            merges.add(child("merge_branch" + (i + 1),
                    regularFpn ? DenseMerge.oneStage(dim, dim1, i == 0) : DenseMerge.twoStage(dim, dim1)));
        }
    }

    @Override
    public PiipConfig config() {
        return config;
    }

    public List<Branch> branches() {
        return branches;
    }

    /**
     * images (B, 3, H, W) at the last branch's resolution → the feature maps, finest first: strides
     * 4, 8, 16, 32 of the input (DINO: 8, 16, 32).
     */
    @Override
    public FeaturePyramid forwardFeatures(Tensor image) {
        List<Tensor> maps = forwardMaps(image);
        int[] strides = new int[maps.size()];
        int finest = config.dense().isDino() ? 8 : 4;
        for (int i = 0; i < strides.length; i++) {
            strides[i] = finest << i;
        }
        return FeaturePyramid.of(maps, strides);
    }

    private List<Tensor> forwardMaps(Tensor image) {
        List<Tensor> images = pyramid.resize(image);
        DeformInputs[][][] where = Pyramid.denseDeformInputs(config, images);
        List<Tensor> outs = new ArrayList<>();
        List<Branch.Embedded> x = pyramid.run(pyramid.embed(images), where, (k, cur) -> {
            if (intermediateMerges.containsKey(k)) {
                outs.add(merge(cur, intermediateMerges.get(k), intermediateWeights.get(k)));
            }
        });
        Tensor out = merge(x, merges, weights);
        if (config.dense().isDino()) {
            return List.of(fpn2 == null ? out : fpn2.forward(out), out, lastIsCnn ? out : SimpleFpn.down2(out));
        }
        if (!regularFpn) {
            return List.of(Scoped.one(() -> fpn1.forward(out)), fpn2.forward(out), out, SimpleFpn.down2(out));
        }
        outs.add(out);
        if (lastIsCnn) {
            return outs;
        }
        return List.of(Scoped.one(() -> fpn1.forward(outs.get(0))), fpn2.forward(outs.get(1)), outs.get(2),
                SimpleFpn.down2(outs.get(3)));
    }

    /**
     * Each branch's map through its merge layers, resized (bilinear, in float32) to the last
     * branch's grid, weighted and summed in branch order.
     */
    private static Tensor merge(List<Branch.Embedded> x, List<DenseMerge> layers, List<Parameter> w) {
        int n = x.size();
        Branch.Embedded last = x.get(n - 1);
        Tensor sum = null;
        for (int i = 0; i < n; i++) {
            Branch.Embedded e = x.get(i);
            DenseMerge layer = layers.get(i);
            boolean resize = i < n - 1;
            Tensor weight = w.get(i).get();
            Tensor weighted = Scoped.one(() -> {
                Tensor map = e.tokens().transpose(1, 2).reshape(e.tokens().size(0), e.tokens().size(2), e.h(), e.w());
                map = layer.forward(map);
                if (resize) {
                    ScalarType t = map.scalar_type();
                    map = F.interpolateBilinear(map.to(ScalarType.Float), last.h(), last.w()).to(t);
                }
                return map.mul(weight);
            });
            sum = sum == null ? weighted : sum.add(weighted);
        }
        return sum;
    }
}
