package io.piip4j.count;

import io.piip4j.config.JsonPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Shape-level walk of the classification-style models that {@code classification/get_flops.py}
 * builds: PIIPTwo/Three/FourBranch of {@code classification/} (DeiT or InternViT branches, GroupNorm
 * + Linear merges, class head or per-branch heads) and the single-branch {@code vit_models} /
 * {@code InternViT6B}. A dense config is first converted as the script's {@code read_config} does
 * ({@code convert_mmdet_config}: {@code img_size = real_size}, no class token, branch type from the
 * {@code pretrained} name, 1024-pixel baselines for Mask R-CNN), and refused where the script fails.
 */
final class ClassificationWalk {
    static final String MERGE = DenseWalk.MERGE;

    /** A counted model, or why the script cannot count this config. */
    record Outcome(Tally tally, int input, String notComputable) {
    }

    private static final Set<String> PIIP_ARGS = Set.of("n_points", "deform_num_heads", "with_cffn", "cffn_ratio",
            "deform_ratio", "interact_attn_type", "interaction_drop_path_rate", "norm_layer", "interaction_proj",
            "branch1", "branch2", "branch3", "branch4", "num_classes", "use_cls_head", "separate_head");
    private static final Set<String> VIT_ARGS = Set.of("img_size", "patch_size", "in_chans", "num_classes", "embed_dim",
            "depth", "num_heads", "mlp_ratio", "qkv_bias", "qk_scale", "drop_rate", "attn_drop_rate", "drop_path_rate",
            "norm_layer", "block_layers", "Patch_layer", "act_layer", "Attention_block", "Mlp_block", "use_cls_token",
            "use_final_norm_and_head", "init_scale", "window_size", "window_attn", "use_flash_attn", "with_cp",
            "pretrained", "pretrain_img_size", "pretrain_patch_size");
    private static final Set<String> INTERN_ARGS = Set.of("in_chans", "patch_size", "pretrain_patch_size", "img_size",
            "pretrain_img_size", "qkv_bias", "drop_path_rate", "embed_dim", "num_heads", "mlp_ratio", "init_values",
            "qk_normalization", "depth", "use_flash_attn", "with_cp", "layerscale_force_fp32", "window_attn",
            "window_size", "pretrained", "norm_layer_type", "use_final_norm_and_head", "use_cls_token", "num_classes",
            "mlp_type");

    private final Tally t = new Tally();

    private ClassificationWalk() {
    }

    /**
     * @param backbone   the {@code model.backbone} dict (classification or dense)
     * @param configName the config's file name: read_config decides a baseline's input size from it
     * @param dense      a detection/segmentation config, converted first as read_config does
     */
    static Outcome walk(JsonPath backbone, String configName, boolean dense) {
        JsonPath cfg = backbone.copy();
        String name = configName == null ? "" : configName;
        String type = cfg.optionalString("type");
        if (dense) {
            if (type == null) {
                throw cfg.error("type", "missing (a dense config names its backbone class)");
            }
            String refused = convert(cfg, name, type);
            if (refused != null) {
                return new Outcome(null, 0, refused);
            }
        } else if (type == null) {
            int n = 0;
            while (n < 4 && cfg.has("branch" + (n + 1))) {
                n++;
            }
            type = switch (n) {
                case 2 -> "PIIPTwoBranch";
                case 3 -> "PIIPThreeBranch";
                case 4 -> "PIIPFourBranch";
                default -> throw cfg.error("type", "missing, and no branch1/branch2 objects to infer the model type from");
            };
        }
        cfg.writable().remove("type");
        int branches = switch (type) {
            case "PIIPTwoBranch" -> 2;
            case "PIIPThreeBranch" -> 3;
            case "PIIPFourBranch" -> 4;
            default -> 0;
        };
        if (branches == 0 && !type.equals("vit_models") && !type.equals("InternViT6B")) {
            return new Outcome(null, 0, "read_config raised NotImplementedError (no classification model for " + type + ")");
        }
        // main(): mlp_type is forced to "regular" everywhere
        forceRegularMlp(cfg);
        for (int i = 1; i <= 4; i++) {
            if (cfg.has("branch" + i)) {
                forceRegularMlp(cfg.object("branch" + i));
            }
        }
        int input;
        if (branches > 0) {
            input = cfg.object("branch" + branches).positive("img_size", 224);
        } else {
            if (!cfg.has("img_size") && type.equals("InternViT6B")) {
                return new Outcome(null, 0, "read_config raised KeyError: 'img_size'");
            }
            input = cfg.positive("img_size", 224);
        }
        ClassificationWalk w = new ClassificationWalk();
        String refused = branches > 0 ? w.pyramid(cfg, type, branches, input) : w.baseline(cfg, type, input);
        if (refused != null) {
            return new Outcome(null, 0, refused);
        }
        return new Outcome(w.t, input, null);
    }

    private static void forceRegularMlp(JsonPath c) {
        if (c.contains("mlp_type")) {
            c.writable().put("mlp_type", "regular");
        }
    }

    /** {@code convert_mmdet_config}; returns why it fails, or null. */
    private static String convert(JsonPath cfg, String name, String type) {
        for (String k : new String[] {"pretrained", "start_level", "_delete_"}) {
            cfg.writable().remove(k);
        }
        for (int i = 1; i <= 4; i++) {
            String b = "branch" + i;
            if (!cfg.contains(b)) {
                continue;
            }
            JsonPath br = cfg.object(b);
            String pretrained = br.string("pretrained", "");
            if (pretrained.contains("beit")) {
                return "read_config raised NotImplementedError: flops calculation not implemented for beit";
            } else if (pretrained.contains("perceiver")) {
                return "read_config raised NotImplementedError: flops calculation not implemented for uni-perceiver";
            }
            for (String k : new String[] {"with_fpn", "img_norm_cfg", "layerscale_force_fp32"}) {
                br.writable().remove(k);
            }
            br.writable().put("use_cls_token", false);
            if (!br.contains("real_size")) {
                return "read_config raised KeyError: 'real_size'";
            }
            br.writable().set("img_size", br.node().get("real_size"));
            br.writable().remove("real_size");
            String modelType = "augreg";
            if (br.contains("is_branch1_deit")) {
                modelType = br.bool("is_branch1_deit", false) ? "deit" : "augreg";
            }
            if (pretrained.contains("deit")) {
                modelType = "deit";
            }
            br.writable().put("model_type", modelType);
        }
        for (String k : new String[] {"output_dtype", "out_indices", "with_fpn"}) {
            cfg.writable().remove(k);
        }
        if (type.equals("vit_models") || type.equals("InternViT6B")) {
            if (!name.contains("upernet") && name.contains("mask_rcnn")) {
                cfg.writable().put("img_size", 1024);
            }
            cfg.writable().put("use_cls_token", false);
        }
        return null;
    }

    private static String unexpected(JsonPath c, Set<String> allowed, String cls) {
        for (String k : c.keys()) {
            if (!allowed.contains(k)) {
                return "model_cls(**cfg) raised TypeError: " + cls + ".__init__() got an unexpected keyword argument '" + k + "'";
            }
        }
        return null;
    }

    private String pyramid(JsonPath cfg, String type, int n, int input) {
        String bad = unexpected(cfg, PIIP_ARGS, type);
        if (bad != null) {
            return bad;
        }
        boolean separate = cfg.bool("separate_head", false);
        // get_flops.py passes num_classes=1000; a config that sets its own keeps it here (as the model is built)
        int classes = cfg.positive("num_classes", 1000);
        boolean clsHead = cfg.bool("use_cls_head", true);
        Interactions.Options opts = Interactions.Options.of(cfg);
        List<VitBranch> br = new ArrayList<>();
        List<List<int[]>> idx = new ArrayList<>();
        List<JsonPath> confs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            JsonPath b = cfg.object("branch" + i);
            idx.add(b.indexes("interaction_indexes"));
            String modelType = b.string("model_type", "deit");
            JsonPath args = b.copy();
            args.writable().remove("interaction_indexes");
            args.writable().remove("model_type");
            VitBranch.Family f;
            if (modelType.equals("deit")) {
                f = VitBranch.Family.DEIT;
                bad = unexpected(args, VIT_ARGS, "vit_models");
            } else if (modelType.equals("augreg")) {
                f = VitBranch.Family.INTERNVIT;
                bad = unexpected(args, INTERN_ARGS, "InternViT6B");
            } else {
                return "model_cls(**cfg) raised NotImplementedError: " + modelType;
            }
            if (bad != null) {
                return bad;
            }
            br.add(VitBranch.of(f, VitBranch.Side.CLASSIFICATION, b, separate));
            confs.add(b);
        }
        int k = idx.get(0).size();
        for (int i = 1; i < n; i++) {
            if (idx.get(i).size() != k) {
                throw confs.get(i).error("interaction_indexes", "has " + idx.get(i).size() + " interactions, branch1 has " + k);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int[] ix : idx.get(i)) {
                if (ix[0] < 0 || ix[1] >= br.get(i).depth || ix[0] > ix[1]) {
                    throw confs.get(i).error("interaction_indexes", "block range [" + ix[0] + ", " + ix[1]
                            + "] is outside 0.." + (br.get(i).depth - 1));
                }
            }
        }
        // ---- parameters ----
        for (int i = 0; i < n; i++) {
            t.params("branch" + (i + 1), br.get(i).params());
        }
        for (int x = 0; x < k; x++) {
            for (int j = 0; j + 1 < n; j++) {
                t.params("interactions." + x, Interactions.unitParams(br.get(j).dim, br.get(j + 1).dim, opts));
            }
        }
        long d1 = br.get(0).dim;
        if (!separate) {
            t.params(MERGE, n + 2 * d1);
            for (int j = 1; j < n; j++) {
                long dj = br.get(j).dim;
                t.params(MERGE, 2 * dj + Tally.linearParams(dj, d1, true) + 2 * d1);
            }
            if (clsHead) {
                t.params(MERGE, 2 * d1 + Tally.linearParams(d1, classes, true));
            }
        }
        // ---- forward ----
        long[][] grid = new long[n][];
        VitBranch last = br.get(n - 1);
        for (int j = 0; j < n; j++) {
            VitBranch b = br.get(j);
            String g = "branch" + (j + 1);
            long h = input;
            double scale = (double) b.imgSize / (double) last.imgSize;
            if (scale < 1) {
                h = (long) Math.floor((double) input * scale);
                t.bilinear(g, 3 * h * h);
            }
            grid[j] = b.embed(t, g, h, h);
        }
        for (int x = 0; x < k; x++) {
            String g = "interactions." + x;
            t.group(g);
            for (int j = 0; j < n; j++) {
                int[] ix = idx.get(j).get(x);
                for (int i = ix[0]; i <= ix[1]; i++) {
                    br.get(j).block(t, "branch" + (j + 1), i, grid[j][0], grid[j][1], br.get(j).clsToken);
                }
            }
            for (int j = n - 2; j >= 0; j--) {
                VitBranch a = br.get(j);
                VitBranch b = br.get(j + 1);
                Interactions.unit(t, g, a.dim, grid[j][0], grid[j][1], b.dim, grid[j + 1][0], grid[j + 1][1], opts);
                t.analytic(g, Interactions.analytic(a.imgSize / 16, a.dim, b.imgSize / 16, b.dim, opts.deform()));
            }
        }
        t.group(MERGE);
        long ln = grid[n - 1][0] * grid[n - 1][1];
        if (separate) {
            for (int j = 0; j < n; j++) {
                // the official forward normalises the patch tokens (the class token was split off) and reads row 0
                br.get(j).head(t, "branch" + (j + 1), grid[j][0] * grid[j][1]);
            }
            t.elementwise(MERGE, (long) n * br.get(0).numClasses);
        } else {
            for (int j = 0; j < n; j++) {
                long dj = br.get(j).dim;
                long nj = grid[j][0] * grid[j][1];
                t.norm(MERGE, dj * nj, true, true);
                if (j > 0) {
                    t.linear(MERGE, nj, dj, d1, true, true);
                    t.norm(MERGE, d1 * nj, true, true);
                }
                if (j < n - 1) {
                    t.bilinear(MERGE, d1 * ln);
                }
            }
            t.elementwise(MERGE, (2L * n - 1) * d1 * ln);
            if (clsHead) {
                t.norm(MERGE, d1 * ln, true, true);
                t.elementwise(MERGE, d1 * ln);
                t.linear(MERGE, 1, d1, classes, true, true);
            }
        }
        for (int j = 0; j < n; j++) {
            t.analytic("branch" + (j + 1), Analytic.selfAttention(confs.get(j), br.get(j).imgSize, br.get(j).imgSize, br.get(j).dim));
        }
        return null;
    }

    private String baseline(JsonPath cfg, String type, int input) {
        boolean vit = type.equals("vit_models");
        String bad = unexpected(cfg, vit ? VIT_ARGS : INTERN_ARGS, type);
        if (bad != null) {
            return bad;
        }
        boolean head = cfg.bool("use_final_norm_and_head", true);
        VitBranch v = VitBranch.of(vit ? VitBranch.Family.DEIT : VitBranch.Family.INTERNVIT, VitBranch.Side.CLASSIFICATION, cfg, head);
        String g = DenseWalk.BACKBONE;
        t.params(g, v.params());
        long[] grid = v.embed(t, g, input, input);
        for (int i = 0; i < v.depth; i++) {
            v.block(t, g, i, grid[0], grid[1], v.clsToken);
        }
        if (head) {
            long n = grid[0] * grid[1] + (v.clsToken ? 1 : 0);
            v.head(t, g, n);
        }
        t.analytic(g, Analytic.selfAttention(cfg, input, input, v.dim));
        return null;
    }
}
