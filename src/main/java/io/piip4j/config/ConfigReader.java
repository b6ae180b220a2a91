package io.piip4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a PIIP configuration from the reference's constructor arguments as JSON. Accepts a golden
 * {@code case.json} (its {@code config}), a released config ({@code model.backbone}), or a bare
 * backbone object. Every problem is reported with the key path; unknown keys are errors so typos
 * do not pass silently.
 */
public final class ConfigReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> TYPES = Map.of(
            "PIIPTwoBranch", 2, "PIIPThreeBranch", 3, "PIIPFourBranch", 4);

    private static final Set<String> TOP_KEYS = Set.of(
            "type", "branch1", "branch2", "branch3", "branch4", "n_points", "deform_num_heads", "with_cffn",
            "cffn_ratio", "deform_ratio", "interact_attn_type", "interaction_drop_path_rate", "interaction_proj",
            "separate_head", "num_classes", "use_cls_head", "norm_layer",
            // dense-backbone options (mmdetection / mmsegmentation variant)
            "out_indices", "out_interaction_indexes", "with_simple_fpn", "is_dino", "output_dtype",
            "with_fpn", "pretrained", "init_cfg");

    private static final Set<String> BRANCH_KEYS = Set.of(
            "model_type", "img_size", "real_size", "patch_size", "pretrain_img_size", "pretrain_patch_size",
            "depth", "embed_dim", "num_heads", "mlp_ratio", "qkv_bias", "drop_path_rate", "drop_rate",
            "interaction_indexes", "use_cls_token", "use_flash_attn", "with_cp", "init_scale", "init_values",
            "window_attn", "window_size", "qk_normalization", "norm_layer_type", "layerscale_force_fp32",
            "mlp_type", "Mlp_block", "pretrained", "num_classes", "with_fpn", "use_abs_pos_emb",
            "use_rel_pos_bias", "downsample_ratios");

    private ConfigReader() {
    }

    public static PiipConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ": expected a JSON object");
        }
        try {
            return parse(root);
        } catch (ConfigException e) {
            throw new ConfigException(file.getFileName() + ": " + e.getMessage());
        }
    }

    /** Finds the backbone object inside any of the accepted layouts, with its key path. */
    public static PiipConfig parse(JsonNode root) {
        JsonPath doc = new JsonPath(root, "");
        if (root.has("config")) {
            return parseBackbone(doc.object("config"), taskOf(root));
        }
        if (root.has("model")) {
            JsonPath model = doc.object("model");
            return parseBackbone(model.object("backbone"), null);
        }
        return parseBackbone(doc, null);
    }

    private static PiipConfig.Task taskOf(JsonNode caseJson) {
        JsonNode t = caseJson.get("task");
        if (t == null) {
            return null;
        }
        return t.asText().startsWith("classification") ? PiipConfig.Task.CLASSIFICATION : PiipConfig.Task.DENSE;
    }

    static PiipConfig parseBackbone(JsonPath c, PiipConfig.Task task) {
        // the released classification configs name no type: the branch count decides, as in build.py
        String type = c.has("type") ? c.string("type", null) : inferType(c);
        Integer n = TYPES.get(type);
        if (n == null) {
            throw c.error("type", "unsupported model type '" + type + "' (expected PIIPTwoBranch, PIIPThreeBranch or PIIPFourBranch)");
        }
        c.rejectUnknown(TOP_KEYS);
        for (int i = n + 1; i <= 4; i++) {
            if (c.has("branch" + i)) {
                throw c.error("branch" + i, "unexpected for " + type + " (" + n + " branches)");
            }
        }
        if (task == null) {
            boolean dense = c.object("branch1").has("real_size") || c.has("with_simple_fpn") || c.has("out_indices");
            task = dense ? PiipConfig.Task.DENSE : PiipConfig.Task.CLASSIFICATION;
        }
        List<BranchConfig> branches = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            branches.add(parseBranch(c.object("branch" + i), "branch" + i, task));
        }
        String attn = c.oneOf("interact_attn_type", "normal", Set.of("deform", "normal"));
        int heads = c.positive("deform_num_heads", 6);
        PiipConfig cfg = new PiipConfig(task, List.copyOf(branches),
                c.positive("n_points", 4), heads,
                c.bool("with_cffn", false), positiveNumber(c, "cffn_ratio", 0.25), positiveNumber(c, "deform_ratio", 1.0),
                attn, c.number("interaction_drop_path_rate", 0.3), c.bool("interaction_proj", true),
                c.bool("separate_head", false), c.positive("num_classes", 1000), c.bool("use_cls_head", true));
        validate(c, cfg);
        return cfg;
    }

    private static String inferType(JsonPath c) {
        int n = 0;
        while (n < 4 && c.has("branch" + (n + 1))) {
            n++;
        }
        for (Map.Entry<String, Integer> e : TYPES.entrySet()) {
            if (e.getValue() == n) {
                return e.getKey();
            }
        }
        throw c.error("type", "missing, and no branch1/branch2 objects to infer the model type from");
    }

    private static double positiveNumber(JsonPath c, String key, double def) {
        double v = c.number(key, def);
        if (!(v > 0)) {
            throw c.error(key, "expected a positive number, got " + v);
        }
        return v;
    }

    private static BranchConfig parseBranch(JsonPath b, String name, PiipConfig.Task task) {
        b.rejectUnknown(BRANCH_KEYS);
        BranchKind kind;
        int imgSize;
        if (task == PiipConfig.Task.CLASSIFICATION) {
            String type = b.oneOf("model_type", "deit", Set.of("deit", "augreg"));
            kind = type.equals("deit") ? BranchKind.DEIT : BranchKind.INTERNVIT;
            imgSize = b.positive("img_size", 224);
        } else {
            kind = BranchKind.fromPretrainedName(b.string("pretrained", ""));
            imgSize = b.positive("real_size", b.has("img_size") ? b.integer("img_size", null) : null);
        }
        // defaults of the reference's constructors: vit_models (DeiT) and InternViT6B
        boolean intern = kind == BranchKind.INTERNVIT;
        int depth = b.positive("depth", intern ? 48 : 12);
        int dim = b.positive("embed_dim", intern ? 3200 : 768);
        int heads = b.positive("num_heads", intern ? 25 : 12);
        if (dim % heads != 0) {
            throw b.error("num_heads", "embed_dim " + dim + " is not divisible by num_heads " + heads);
        }
        int patch = b.positive("patch_size", 16);
        List<int[]> indexes = interactionIndexes(b, depth);
        boolean[] windowAttn = new boolean[depth];
        int[] windowSize = new int[depth];
        List<JsonNode> wa = b.perBlock("window_attn", depth);
        List<JsonNode> ws = b.perBlock("window_size", depth);
        for (int i = 0; i < depth; i++) {
            JsonNode a = wa.get(i);
            if (a != null && !a.isNull() && !a.isBoolean()) {
                throw b.error("window_attn", "expected true/false per block, got " + a);
            }
            windowAttn[i] = a != null && a.asBoolean();
            JsonNode s = ws.get(i);
            if (s != null && !s.isNull() && !s.isIntegralNumber()) {
                throw b.error("window_size", "expected an integer per block, got " + s);
            }
            windowSize[i] = s == null || s.isNull() ? 14 : s.asInt();
            if (windowAttn[i] && windowSize[i] <= 0) {
                throw b.error("window_size", "expected a positive window size for block " + i + ", got " + windowSize[i]);
            }
        }
        boolean cls = b.bool("use_cls_token", task == PiipConfig.Task.CLASSIFICATION);
        Double initValues = b.has("init_values") ? b.number("init_values", null) : null;
        if (initValues != null && initValues == 0.0) {
            initValues = null; // the reference tests `if init_values`: 0 means no layer scale
        }
        return new BranchConfig(name, kind, imgSize, patch,
                b.positive("pretrain_img_size", 224), b.positive("pretrain_patch_size", 16),
                depth, dim, heads, positiveNumber(b, "mlp_ratio", 4.0), b.bool("qkv_bias", false),
                b.number("drop_path_rate", 0.0), indexes, cls, windowAttn, windowSize,
                b.number("init_scale", 1e-4), initValues, b.bool("qk_normalization", false),
                b.oneOf("norm_layer_type", "ln", Set.of("ln", "LayerNorm", "RMSNorm")),
                b.positive("num_classes", 1000), b.has("pretrained") ? b.string("pretrained", null) : null);
    }

    private static List<int[]> interactionIndexes(JsonPath b, int depth) {
        JsonNode v = b.node.get("interaction_indexes");
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw b.error("interaction_indexes", v == null ? "missing" : "expected a non-empty list of [first, last] block pairs");
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode p = v.get(i);
            String at = "interaction_indexes[" + i + "]";
            if (!p.isArray() || p.isEmpty() || !p.get(0).isIntegralNumber() || !p.get(p.size() - 1).isIntegralNumber()) {
                throw b.error(at, "expected [first, last] block indexes, got " + p);
            }
            int first = p.get(0).asInt();
            int last = p.get(p.size() - 1).asInt();
            if (first < 0 || last >= depth || first > last) {
                throw b.error(at, "block range [" + first + ", " + last + "] is outside 0.." + (depth - 1) + " (depth " + depth + ")");
            }
            out.add(new int[] {first, last});
        }
        return List.copyOf(out);
    }

    private static void validate(JsonPath c, PiipConfig cfg) {
        int interactions = cfg.numInteractions();
        for (BranchConfig b : cfg.branches()) {
            if (b.interactionIndexes().size() != interactions) {
                throw c.error(b.name() + ".interaction_indexes", "has " + b.interactionIndexes().size()
                        + " interactions, branch1 has " + interactions + " (all branches must match)");
            }
            if (cfg.interactAttnType().equals("deform") || cfg.interactAttnType().equals("normal")) {
                if (b.embedDim() % cfg.deformNumHeads() != 0) {
                    throw c.error("deform_num_heads", b.name() + ".embed_dim " + b.embedDim()
                            + " is not divisible by deform_num_heads " + cfg.deformNumHeads());
                }
            }
            if (b.imgSize() < b.patchSize()) {
                throw c.error(b.name() + (cfg.task() == PiipConfig.Task.DENSE ? ".real_size" : ".img_size"),
                        "resolution " + b.imgSize() + " is smaller than patch_size " + b.patchSize());
            }
        }
        for (int i = 1; i < cfg.numBranches(); i++) {
            BranchConfig prev = cfg.branches().get(i - 1);
            BranchConfig cur = cfg.branches().get(i);
            if (cur.embedDim() > prev.embedDim()) {
                throw c.error(cur.name() + ".embed_dim", "branch widths must not increase (" + prev.name() + " has "
                        + prev.embedDim() + ", " + cur.name() + " has " + cur.embedDim() + "): the parameter-inverted "
                        + "design gives the largest model the lowest resolution");
            }
            if (cur.imgSize() < prev.imgSize()) {
                throw c.error(cur.name() + (cfg.task() == PiipConfig.Task.DENSE ? ".real_size" : ".img_size"),
                        "resolutions must not decrease (" + prev.name() + " " + prev.imgSize() + ", " + cur.name()
                                + " " + cur.imgSize() + ")");
            }
        }
        if (!cfg.separateHead() && cfg.task() == PiipConfig.Task.CLASSIFICATION) {
            for (BranchConfig b : cfg.branches()) {
                if (b.embedDim() % 32 != 0) {
                    throw c.error(b.name() + ".embed_dim", "must be divisible by 32 for the GroupNorm(32) branch merging, got " + b.embedDim());
                }
            }
        }
        if (cfg.separateHead() && cfg.task() == PiipConfig.Task.CLASSIFICATION) {
            for (BranchConfig b : cfg.branches()) {
                if (!b.useClsToken()) {
                    throw c.error(b.name() + ".use_cls_token", "separate_head needs a class token in every branch");
                }
            }
        }
    }
}
