package io.piip4j.init;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.PiipClassifier;
import io.piip4j.backbone.PiipDenseBackbone;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.BranchKind;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.ConvTranspose2d;
import io.piip4j.nn.GroupNorm;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.RMSNorm;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A fresh model initialised as the reference's constructors leave it, parameter by parameter:
 * <ul>
 *   <li>DeiT branches ({@code vit_models}): trunc-normal(.02) position embedding, class token and
 *       linears, zero biases, LayerNorm 1/0, layer-scale gammas = {@code init_scale}; the patch
 *       projection keeps PyTorch's default (its {@code _init_weights} skips convolutions).</li>
 *   <li>InternViT-style branches (classification {@code InternViT6B}, which never applies its
 *       {@code _init_weights}): PyTorch defaults, zero position embedding and class token,
 *       layer-scale gammas = {@code init_values}.</li>
 *   <li>Interactions ({@code _init_weights}, then {@code _init_deform_weights}): trunc-normal(.02)
 *       linears with zero biases, LayerNorm 1/0, convolutions normal(0, √(2/fan_out)),
 *       {@code ca_gamma}/{@code cffn_gamma} zero; deformable attention re-initialised by
 *       {@code MSDeformAttn._reset_parameters}: zero sampling-offset weights with the
 *       direction-grid bias, zero attention weights, xavier-uniform value/output projections.</li>
 *   <li>Merging and head: GroupNorm 1/0, trunc-normal linears, branch weights {@code w_i} = 1.</li>
 * </ul>
 * Random draws use the engine's default generator: seed it first for a reproducible model.
 */
public final class ReferenceInit {
    /** How a module family initialises the layers the reference leaves to their type. */
    enum Style {
        /** timm/PIIP {@code _init_weights}. */
        TIMM,
        /** PyTorch's constructors' defaults. */
        TORCH
    }

    private ReferenceInit() {
    }

    /** Initialises every parameter of a classification PIIP model. */
    public static void initialize(PiipClassifier model) {
        PiipConfig cfg = model.config();
        for (Map.Entry<String, Module> c : model.children().entrySet()) {
            String name = c.getKey();
            Module m = c.getValue();
            if (m instanceof Branch b) {
                initBranch(b);
            } else if (name.equals("interactions")) {
                initInteractions(m, cfg.deformNumHeads(), cfg.nPoints());
            } else {
                init(m, name, Style.TIMM, null);
            }
        }
        ModuleTree.own(model).forEach((k, p) -> p.set(init(k, p, Style.TIMM, null)));
    }

    /**
     * Initialises every parameter of a dense PIIP backbone: branches as {@link #initBranch}, the
     * interactions as in classification, merging and output layers by PIIP's {@code _init_weights}
     * (convolutions and transposed convolutions normal(0, √(2/fan_out)), GroupNorm 1/0, branch
     * weights 1).
     */
    public static void initialize(PiipDenseBackbone model) {
        PiipConfig cfg = model.config();
        for (Map.Entry<String, Module> c : model.children().entrySet()) {
            Module m = c.getValue();
            if (m instanceof Branch b) {
                initBranch(b);
            } else if (c.getKey().equals("interactions")) {
                initInteractions(m, cfg.deformNumHeads(), cfg.nPoints());
            } else {
                init(m, c.getKey(), Style.TIMM, null);
            }
        }
        ModuleTree.own(model).forEach((k, p) -> p.set(init(k, p, Style.TIMM, null)));
    }

    /**
     * A dense backbone as its constructor initialises it: PIIP as {@link #initialize(PiipDenseBackbone)},
     * a single-branch baseline as its branch ({@link #initBranch}, output layers included) and
     * PIIP's {@code _init_weights} for the layers beside it.
     */
    public static void initialize(io.piip4j.backbone.DenseBackbone model) {
        if (model instanceof PiipDenseBackbone piip) {
            initialize(piip);
            return;
        }
        for (Map.Entry<String, Module> c : model.children().entrySet()) {
            if (c.getValue() instanceof Branch b) {
                initBranch(b);
            } else {
                init(c.getValue(), c.getKey(), Style.TIMM, null);
            }
        }
        ModuleTree.own(model).forEach((k, p) -> p.set(init(k, p, Style.TIMM, null)));
    }

    /**
     * A branch as its constructor initialises it: {@code vit_models} and BEiT by their
     * {@code _init_weights} (BEiT's also covers the patch convolution; layer scales
     * {@code init_values}, q/v biases and relative position tables zero), InternViT6B and
     * Uni-Perceiver with PyTorch's defaults (Uni-Perceiver's layer scales zero, its position
     * tables {@code nn.Embedding}'s N(0, 1)), ConvNeXt by Hugging Face's {@code _init_weights}
     * (normal(0, 0.02), layer scale {@code layer_scale_init_value}).
     */
    public static void initBranch(Branch b) {
        BranchConfig cfg = b.config();
        boolean timm = cfg.kind() == BranchKind.DEIT || cfg.kind() == BranchKind.BEIT;
        init(b, "", timm ? Style.TIMM : Style.TORCH, cfg);
    }

    /** Interaction stages: {@code _init_weights}, then the deformable attentions' own reset. */
    public static void initInteractions(Module interactions, int deformHeads, int nPoints) {
        init(interactions, "", Style.TIMM, null);
        ModuleTree.visit(interactions, (prefix, m) -> {
            if (m instanceof MSDeformAttn d) {
                resetDeformable(d, deformHeads, nPoints);
            }
        });
    }

    static void init(Module root, String where, Style style, BranchConfig branch) {
        ModuleTree.visit(root, (prefix, m) -> {
            String at = where.isEmpty() ? prefix : prefix.isEmpty() ? where : where + "." + prefix;
            for (Map.Entry<String, Parameter> e : ModuleTree.own(m).entrySet()) {
                e.getValue().set(init(m, e.getKey(), e.getValue(), style, branch, at));
            }
        });
    }

    private static Tensor init(Module m, String name, Parameter p, Style style, BranchConfig branch, String at) {
        long[] shape = p.shape();
        boolean hf = branch != null && branch.kind() == BranchKind.CONVNEXT;
        if (hf && (m instanceof Linear || m instanceof Conv2d)) {
            return name.equals("weight") ? Random.normal(shape, 0, 0.02) : Random.constant(shape, 0);
        }
        if (m instanceof ConvTranspose2d) {
            // PIIP's _init_weights: fan_out = k·k·out_channels (weight is in × out × k × k)
            long fanOut = shape.length == 4 ? shape[1] * shape[2] * shape[3] : 1;
            return name.equals("weight") ? Random.normal(shape, 0, Math.sqrt(2.0 / fanOut)) : Random.constant(shape, 0);
        }
        if (m instanceof Linear l) {
            if (style == Style.TIMM) {
                return name.equals("weight") ? Random.truncNormal(shape, 0.02) : Random.constant(shape, 0);
            }
            return Random.torchDefault(shape, l.in);
        }
        if (m instanceof Conv2d c) {
            if (style == Style.TIMM && (branch == null || branch.kind() == BranchKind.BEIT)) {
                // PIIP's _init_weights: normal(0, sqrt(2 / fan_out)), zero bias
                long fanOut = c.kernel * c.kernel * c.outChannels / c.groups;
                return name.equals("weight") ? Random.normal(shape, 0, Math.sqrt(2.0 / fanOut)) : Random.constant(shape, 0);
            }
            return Random.torchDefault(shape, c.inChannels / c.groups * c.kernel * c.kernel);
        }
        if (m instanceof LayerNorm || m instanceof GroupNorm || m instanceof RMSNorm) {
            return Random.constant(shape, name.equals("weight") ? 1 : 0);
        }
        return init(at.isEmpty() ? name : at + "." + name, p, style, branch);
    }

    /** Parameters owned directly by a model-specific module, by name. */
    private static Tensor init(String key, Parameter p, Style style, BranchConfig branch) {
        long[] shape = p.shape();
        String name = key.substring(key.lastIndexOf('.') + 1);
        switch (name) {
            case "gamma_1", "gamma_2":
                if (branch != null && branch.kind() == BranchKind.BEIT) {
                    return Random.constant(shape, branch.initValues());
                }
                if (branch != null && branch.kind() == BranchKind.UNIPERCEIVER) {
                    return Random.constant(shape, 0);
                }
                return Random.constant(shape, branch == null ? 1.0 : branch.initScale());
            case "q_bias", "v_bias", "relative_position_bias_table":
                return Random.constant(shape, 0);
            case "layer_scale_parameter":
                return Random.constant(shape, branch.convnext().layerScaleInit());
            case "gamma":
                return Random.constant(shape, branch == null || branch.initValues() == null ? 1.0 : branch.initValues());
            case "ca_gamma", "cffn_gamma":
                return Random.constant(shape, 0);
            case "pos_embed", "cls_token":
                return style == Style.TIMM ? Random.truncNormal(shape, 0.02) : Random.constant(shape, 0);
            default:
                if (key.endsWith("_pos_embed.weight")) {
                    return Random.normal(shape, 0, 1); // Uni-Perceiver's nn.Embedding tables
                }
                if (name.matches("(intermediate_merging_\\d+_)?w\\d+") && shape.length == 0) {
                    return Random.constant(shape, 1.0);
                }
                throw new IllegalStateException(key + ": no initialisation rule for this parameter");
        }
    }

    /**
     * {@code MSDeformAttn._reset_parameters}: sampling offsets start on a ring of directions,
     * head h pointing at angle 2πh/heads, scaled to the unit square's edge and by (point + 1), the
     * same for every level.
     */
    static void resetDeformable(MSDeformAttn d, int heads, int points) {
        if (d.numHeads() != heads || d.numPoints() != points) {
            throw new IllegalStateException("deformable attention with " + d.numHeads() + " heads and " + d.numPoints()
                    + " points, but the config says " + heads + " and " + points);
        }
        Map<String, Module> ch = d.children();
        Map<String, Parameter> so = ch.get("sampling_offsets").namedParameters();
        so.get("weight").set(Random.constant(so.get("weight").shape(), 0));
        so.get("bias").set(samplingOffsetBias(heads, d.numLevels(), points));
        Map<String, Parameter> aw = ch.get("attention_weights").namedParameters();
        aw.get("weight").set(Random.constant(aw.get("weight").shape(), 0));
        aw.get("bias").set(Random.constant(aw.get("bias").shape(), 0));
        for (String proj : new String[] {"value_proj", "output_proj"}) {
            Map<String, Parameter> pp = ch.get(proj).namedParameters();
            pp.get("weight").set(Random.xavierUniform(pp.get("weight").shape()));
            pp.get("bias").set(Random.constant(pp.get("bias").shape(), 0));
        }
    }

    /** The grid bias of one feature level (PIIP's interactions). */
    public static Tensor samplingOffsetBias(int heads, int points) {
        return samplingOffsetBias(heads, 1, points);
    }

    /** The grid bias in float32, (heads, levels, points, 2) flattened, with the reference's operation order. */
    public static Tensor samplingOffsetBias(int heads, int levels, int points) {
        Tensor thetas = torch.arange(new Scalar(heads)).to(ScalarType.Float).mul(new Scalar(2.0 * Math.PI / heads));
        Tensor grid = torch.stack(new org.bytedeco.pytorch.TensorArrayRef(new TensorVector(thetas.cos(), thetas.sin())), -1);
        Tensor maxAbs = grid.abs().amax(new long[] {-1}, true);
        grid = grid.div(maxAbs).view(heads, 1, 1, 2).repeat(1, levels, points, 1).contiguous();
        for (int i = 0; i < points; i++) {
            Tensor slice = grid.select(2, i);
            slice.mul_(new Scalar(i + 1));
        }
        return grid.view(-1).clone();
    }
}
