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
            "with_fpn", "pretrained", "init_cfg", "cal_flops");

    private static final Set<String> BRANCH_KEYS = Set.of(
            "model_type", "img_size", "real_size", "patch_size", "pretrain_img_size", "pretrain_patch_size",
            "depth", "embed_dim", "num_heads", "mlp_ratio", "qkv_bias", "drop_path_rate", "drop_rate",
            "interaction_indexes", "use_cls_token", "use_flash_attn", "with_cp", "init_scale", "init_values",
            "window_attn", "window_size", "qk_normalization", "norm_layer_type", "layerscale_force_fp32",
            "mlp_type", "Mlp_block", "pretrained", "num_classes", "with_fpn", "use_abs_pos_emb",
            "use_rel_pos_bias", "downsample_ratios", "use_shared_rel_pos_bias", "with_final_norm", "out_indices",
            "output_dtype", "use_simple_fpn", "cal_flops");

    /** A single-branch baseline's keys: its branch's, and the baseline-only output options. */
    private static final Set<String> BASELINE_KEYS = union(BRANCH_KEYS, Set.of("type", "single_branch", "with_simple_fpn"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    private ConfigReader() {
    }

    public static PiipConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new ConfigException(JsonSyntax.message(file, e));
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
            // golden cases describe the shapes of their (placeholder-named) ConvNeXt branches here
            Map<String, ConvNextSpec> convnexts = root.has("convnext_configs")
                    ? convnextConfigs(doc.object("convnext_configs")) : Map.of();
            JsonPath config = doc.object("config");
            if (config.has("model")) {
                // whole-detector/segmentor cases: the backbone inside the mmdet/mmseg model config
                config = config.object("model").object("backbone");
            }
            JsonNode t = root.get("task");
            boolean segmentation = t != null && t.asText().startsWith("segmentation");
            return parseBackbone(config, taskOf(root), convnexts, segmentation);
        }
        if (root.has("model")) {
            JsonPath model = doc.object("model");
            return parseBackbone(model.object("backbone"), null, Map.of(), isSegmentor(model.node()));
        }
        return parseBackbone(doc, null, Map.of(), false);
    }

    /**
     * One classification branch standing alone (the single-branch ViT of a training recipe): a PIIP
     * branch's fields and defaults; {@code interaction_indexes} may be left out (one group of all blocks).
     */
    public static BranchConfig parseStandaloneBranch(JsonNode branch, String path) {
        if (branch == null || !branch.isObject()) {
            throw new ConfigException(path + ": expected the branch's fields as an object");
        }
        com.fasterxml.jackson.databind.node.ObjectNode b = branch.deepCopy();
        if (!b.has("interaction_indexes")) {
            int depth = b.path("depth").asInt(12);
            b.putArray("interaction_indexes").addArray().add(0).add(Math.max(0, depth - 1));
        }
        return parseBranch(new JsonPath(b, path), "branch1", PiipConfig.Task.CLASSIFICATION, 1, Map.of(), false);
    }

    /** mmsegmentation's model types (their backbones are mmseg's variants); anything else is mmdetection's. */
    private static boolean isSegmentor(JsonNode model) {
        String type = model.path("type").asText("");
        return type.equals("EncoderDecoder") || type.equals("CascadeEncoderDecoder") || model.has("decode_head");
    }

    private static PiipConfig.Task taskOf(JsonNode caseJson) {
        JsonNode t = caseJson.get("task");
        if (t == null) {
            return null;
        }
        return t.asText().startsWith("classification") ? PiipConfig.Task.CLASSIFICATION : PiipConfig.Task.DENSE;
    }

    static PiipConfig parseBackbone(JsonPath c, PiipConfig.Task task) {
        return parseBackbone(c, task, Map.of(), false);
    }

    /**
     * @param segmentation the backbone is mmsegmentation's variant: only PIIPTwoBranch, position
     *                     embeddings at each branch's {@code img_size} grid, added without resizing
     */
    static PiipConfig parseBackbone(JsonPath c, PiipConfig.Task task, Map<String, ConvNextSpec> convnexts,
            boolean segmentation) {
        // the released classification configs name no type: the branch count decides, as in build.py
        String type = c.has("type") ? c.string("type", null) : inferType(c);
        if (PiipConfig.BASELINE_TYPES.contains(type)) {
            return parseBaseline(c, type, convnexts, segmentation);
        }
        Integer n = TYPES.get(type);
        if (n == null) {
            throw c.error("type", "unsupported model type '" + type + "' (expected PIIPTwoBranch, PIIPThreeBranch or "
                    + "PIIPFourBranch, or a single-branch baseline: " + String.join(", ", PiipConfig.BASELINE_TYPES) + ")");
        }
        c.rejectUnknown(TOP_KEYS);
        for (int i = n + 1; i <= 4; i++) {
            if (c.has("branch" + i)) {
                throw c.error("branch" + i, "unexpected for " + type + " (" + n + " branches)");
            }
        }
        if (task == null) {
            boolean dense = segmentation || c.object("branch1").has("real_size") || c.has("with_simple_fpn")
                    || c.has("out_indices");
            task = dense ? PiipConfig.Task.DENSE : PiipConfig.Task.CLASSIFICATION;
        }
        if (segmentation && n != 2) {
            // mmsegmentation registers PIIPTwoBranch and a PIIPThreeBranch of its own (unreleased)
            throw c.error("type", n == 3 ? "the segmentation PIIPThreeBranch is not supported yet (no released config uses it)"
                    : "mmsegmentation has no " + type);
        }
        List<BranchConfig> branches = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            branches.add(parseBranch(c.object("branch" + i), "branch" + i, task, n, convnexts, segmentation));
        }
        if (task == PiipConfig.Task.DENSE && n == 4) {
            // PIIPFourBranch builds its fourth ViT from branch3's arguments (vit_models(**branch3)):
            // only branch4's real_size and interaction_indexes are used
            BranchConfig b3 = branches.get(2);
            BranchConfig b4 = branches.get(3);
            checkIndexes(c.object("branch4"), b4.interactionIndexes(), b3.depth(), " (branch4 is built with branch3's depth)");
            branches.set(3, b3.renamed("branch4", b4.imgSize(), b4.interactionIndexes(), b4.pretrained()));
        }
        String attn = c.oneOf("interact_attn_type", "normal", Set.of("deform", "normal"));
        int heads = c.positive("deform_num_heads", 6);
        PiipConfig cfg = new PiipConfig(type, task, List.copyOf(branches),
                c.positive("n_points", 4), heads,
                c.bool("with_cffn", false), positiveNumber(c, "cffn_ratio", 0.25), positiveNumber(c, "deform_ratio", 1.0),
                attn, c.number("interaction_drop_path_rate", 0.3), c.bool("interaction_proj", true),
                c.bool("separate_head", false), c.positive("num_classes", 1000), c.bool("use_cls_head", true),
                injectorNorm(c), task == PiipConfig.Task.DENSE ? denseOptions(c, n, segmentation) : null);
        validate(c, cfg);
        return cfg;
    }

    /** {@code norm_layer}: the interactions' norms, LayerNorm(eps 1e-6) unless "none" (nn.Identity). */
    private static boolean injectorNorm(JsonPath c) {
        if (!c.has("norm_layer")) {
            return true;
        }
        c.oneOf("norm_layer", null, Set.of("none"));
        return false;
    }

    private static PiipConfig.DenseOptions denseOptions(JsonPath c, int n, boolean segmentation) {
        if (n != 3) {
            // PIIPTwoBranch / PIIPFourBranch take neither argument (the call would fail)
            for (String k : List.of("with_simple_fpn", "out_interaction_indexes")) {
                if (c.has(k)) {
                    throw c.error(k, "only PIIPThreeBranch takes this option");
                }
            }
        }
        if (segmentation && c.has("is_dino")) {
            throw c.error("is_dino", "mmsegmentation's PIIPTwoBranch has no DINO outputs");
        }
        List<Integer> outIdx = new ArrayList<>();
        JsonNode v = c.node().get("out_interaction_indexes");
        if (v != null && !v.isNull()) {
            if (!v.isArray()) {
                throw c.error("out_interaction_indexes", "expected a list of interaction indexes, got " + v);
            }
            for (JsonNode e : v) {
                if (!e.isIntegralNumber()) {
                    throw c.error("out_interaction_indexes", "expected integers, got " + e);
                }
                outIdx.add(e.asInt());
            }
        }
        return new PiipConfig.DenseOptions(c.bool("with_simple_fpn", true), List.copyOf(outIdx), c.bool("is_dino", false),
                false, segmentation);
    }

    /** A single-branch baseline backbone: the whole object is the one branch's arguments. */
    private static PiipConfig parseBaseline(JsonPath c, String type, Map<String, ConvNextSpec> convnexts,
            boolean segmentation) {
        c.rejectUnknown(BASELINE_KEYS);
        BranchKind kind = switch (type) {
            case "vit_models" -> BranchKind.DEIT;
            case "InternViT6B" -> BranchKind.INTERNVIT;
            default -> BranchKind.CONVNEXT;
        };
        BranchConfig b = denseBranch(c, "backbone", kind, convnexts, false, segmentation);
        boolean simpleFpn = kind == BranchKind.CONVNEXT && c.bool("with_simple_fpn", false);
        List<Integer> outIndices = kind == BranchKind.CONVNEXT ? List.of() : outIndices(c, b.depth());
        return new PiipConfig(type, PiipConfig.Task.DENSE, List.of(b), 4, 6, false, 0.25, 1.0, "normal", 0.0, true,
                false, 1000, false, true, new PiipConfig.DenseOptions(true, List.of(), false, simpleFpn, segmentation,
                        outIndices, c.bool("use_simple_fpn", true)));
    }

    /** A ViT baseline's {@code out_indices} (the reference's default 7, 11, 15, 23) that name blocks of the model, in block order. */
    private static List<Integer> outIndices(JsonPath c, int depth) {
        JsonNode v = c.node().get("out_indices");
        if (v == null) {
            v = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(new int[] {7, 11, 15, 23});
        }
        if (!v.isArray() || v.isEmpty()) {
            throw c.error("out_indices", "expected a non-empty list of block indexes, got " + v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber()) {
                throw c.error("out_indices", "expected block indexes, got " + v);
            }
            if (e.asInt() >= 0 && e.asInt() < depth) {
                out.add(e.asInt()); // the reference tests `idx in out_indices`: others are never taken
            }
        }
        if (out.isEmpty()) {
            throw c.error("out_indices", "no block of the " + depth + " is among " + v + ": the model has no output");
        }
        out = out.stream().distinct().sorted().toList();
        return List.copyOf(out);
    }

    private static Map<String, ConvNextSpec> convnextConfigs(JsonPath c) {
        Map<String, ConvNextSpec> out = new java.util.HashMap<>();
        for (java.util.Iterator<String> it = c.node().fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonPath s = c.object(name);
            int[] depths = intList(s, "depths");
            int[] widths = intList(s, "hidden_sizes");
            if (depths.length != widths.length || depths.length == 0) {
                throw s.error("hidden_sizes", "expected one width per stage (" + depths.length + " depths)");
            }
            if (java.util.Arrays.stream(depths).asLongStream().sum() > MAX_DEPTH) {
                throw s.error("depths", "more blocks in all than the limit of " + MAX_DEPTH);
            }
            out.put(name, new ConvNextSpec(name, depths, widths, s.positive("patch_size", 4),
                    s.number("layer_scale_init_value", 1e-6)));
        }
        return out;
    }

    private static int[] intList(JsonPath c, String key) {
        JsonNode v = c.node().get(key);
        if (v == null || !v.isArray()) {
            throw c.error(key, v == null ? "missing" : "expected a list of integers, got " + v);
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isIntegralNumber() || v.get(i).asInt() <= 0) {
                throw c.error(key, "expected positive integers, got " + v);
            }
            out[i] = v.get(i).asInt();
        }
        return out;
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

    private static BranchConfig parseBranch(JsonPath b, String name, PiipConfig.Task task, int numBranches,
            Map<String, ConvNextSpec> convnexts, boolean segmentation) {
        b.rejectUnknown(BRANCH_KEYS);
        if (task == PiipConfig.Task.DENSE) {
            String pretrained = b.string("pretrained", null);
            return denseBranch(b, name, BranchKind.forDenseBranch(pretrained, numBranches), convnexts, true, segmentation);
        }
        String type = b.oneOf("model_type", "deit", Set.of("deit", "augreg"));
        BranchKind kind = type.equals("deit") ? BranchKind.DEIT : BranchKind.INTERNVIT;
        int imgSize = b.positive("img_size", 224);
        // defaults of the reference's constructors: vit_models (DeiT) and InternViT6B
        boolean intern = kind == BranchKind.INTERNVIT;
        int depth = depth(b, intern ? 48 : 12);
        int dim = b.positive("embed_dim", intern ? 3200 : 768);
        int heads = heads(b, dim, intern ? 25 : 12);
        int patch = b.positive("patch_size", 16);
        List<int[]> indexes = interactionIndexes(b, depth);
        Windows win = windows(b, depth, kind, 14);
        boolean cls = b.bool("use_cls_token", true);
        Double initValues = b.has("init_values") ? b.number("init_values", null) : null;
        if (initValues != null && initValues == 0.0) {
            initValues = null; // the reference tests `if init_values`: 0 means no layer scale
        }
        return new BranchConfig(name, kind, imgSize, patch,
                b.positive("pretrain_img_size", 224), b.positive("pretrain_patch_size", 16),
                depth, dim, heads, positiveNumber(b, "mlp_ratio", 4.0), b.bool("qkv_bias", false),
                b.number("drop_path_rate", 0.0), indexes, cls, win.attn, win.size,
                b.number("init_scale", 1e-4), initValues, b.bool("qk_normalization", false),
                b.oneOf("norm_layer_type", "ln", Set.of("ln", "LayerNorm", "RMSNorm")),
                b.positive("num_classes", 1000), b.has("pretrained") ? b.string("pretrained", null) : null);
    }

    /**
     * A branch of the mmdetection/mmsegmentation backbones, with the defaults of its kind's
     * constructor there: vit_models (DeiT), InternViT6B (patch 14, RMSNorm, q/k norm, layer scale
     * 0.1), BEiT (pretrain size 512), UnifiedBertEncoder, or a Hugging Face ConvNeXt.
     */
    private static BranchConfig denseBranch(JsonPath b, String name, BranchKind kind, Map<String, ConvNextSpec> convnexts,
            boolean inPyramid, boolean segmentation) {
        String pretrained = b.has("pretrained") ? b.string("pretrained", null) : "";
        int imgSize;
        if (inPyramid || kind == BranchKind.CONVNEXT) {
            imgSize = b.positive("real_size", null);
        } else {
            imgSize = b.positive("img_size", b.positive("pretrain_img_size", 224));
        }
        if (kind == BranchKind.CONVNEXT) {
            return convnextBranch(b, name, pretrained, imgSize, convnexts, inPyramid);
        }
        boolean intern = kind == BranchKind.INTERNVIT;
        int depth = depth(b, intern ? 48 : 12);
        int dim = b.positive("embed_dim", intern ? 3200 : 768);
        int heads = heads(b, dim, intern ? 25 : 12);
        int patch = b.positive("patch_size", intern ? 14 : 16);
        int pretrainSize = b.positive("pretrain_img_size", kind == BranchKind.BEIT ? 512 : 224);
        List<int[]> indexes = inPyramid ? interactionIndexes(b, depth) : List.of();
        // vit_models: no window_size means -1 (global) for every block; the others default to 14
        Windows win = windows(b, depth, kind, kind == BranchKind.DEIT ? -1 : 14);
        Double initValues = null;
        if (intern) {
            double v = b.number("init_values", 0.1);
            initValues = v == 0.0 ? null : v; // `if init_values`: 0 means no layer scale
        } else if (kind == BranchKind.BEIT && b.has("init_values")) {
            initValues = b.number("init_values", null); // BEiT tests `is not None`
        }
        boolean fused = kind == BranchKind.DEIT
                ? b.oneOf("Mlp_block", "regular", Set.of("regular", "fused_mlp")).equals("fused_mlp")
                : b.oneOf("mlp_type", "regular", Set.of("regular", "fused_mlp")).equals("fused_mlp");
        boolean qkvBias = kind == BranchKind.UNIPERCEIVER || b.bool("qkv_bias", false); // BertLayer always has biases
        // mmdetection's vit_models / InternViT6B size their table by pretrain_img_size and resize it;
        // mmsegmentation's by img_size, added as it is
        int posGrid = (segmentation ? b.positive("img_size", 224) : pretrainSize) / patch;
        return new BranchConfig(name, kind, imgSize, patch, pretrainSize, b.positive("pretrain_patch_size", intern ? 14 : 16),
                depth, dim, heads, positiveNumber(b, "mlp_ratio", 4.0), qkvBias, b.number("drop_path_rate", 0.0),
                indexes, kind == BranchKind.DEIT && b.bool("use_cls_token", false), win.attn, win.size,
                b.number("init_scale", 1e-4), initValues, b.bool("qk_normalization", intern),
                b.oneOf("norm_layer_type", intern ? "RMSNorm" : "LayerNorm", Set.of("ln", "LayerNorm", "RMSNorm")),
                1000, pretrained, b.bool("use_flash_attn", intern), fused, b.bool("with_fpn", false),
                b.bool("with_final_norm", false), b.bool("use_abs_pos_emb", false), b.bool("use_shared_rel_pos_bias", false),
                null, null, posGrid, !segmentation);
    }

    private static BranchConfig convnextBranch(JsonPath b, String name, String pretrained, int imgSize,
            Map<String, ConvNextSpec> convnexts, boolean inPyramid) {
        ConvNextSpec spec = convnexts.containsKey(pretrained) ? convnexts.get(pretrained) : ConvNextSpec.fromHubName(pretrained);
        if (spec == null) {
            throw b.error("pretrained", "unknown ConvNeXt model '" + pretrained + "': its shape is needed (known: "
                    + "facebook/convnext-{tiny,small,base,large,xlarge}-*, or convnext_configs in case.json)");
        }
        int depth = spec.numBlocks();
        int[] ratios = null;
        if (inPyramid) {
            ratios = intList(b, "downsample_ratios");
            if (ratios.length != depth) {
                throw b.error("downsample_ratios", "expected " + depth + " entries (one per ConvNeXt block and "
                        + "downsampling layer of " + spec + "), got " + ratios.length);
            }
        }
        List<int[]> indexes = inPyramid ? interactionIndexes(b, depth) : List.of();
        return new BranchConfig(name, BranchKind.CONVNEXT, imgSize, spec.patchSize(), imgSize, spec.patchSize(), depth,
                spec.width(), 1, 4.0, true, b.number("drop_path_rate", 0.0), indexes, false, new boolean[depth],
                new int[depth], 0, null, false, "LayerNorm", 1000, pretrained, false, false, false, false, false, false,
                spec, ratios, 0, false);
    }

    /** More blocks than any real model has: a larger depth is a mistake (and would exhaust memory). */
    static final int MAX_DEPTH = 10_000;

    private static int depth(JsonPath b, int def) {
        int depth = b.positive("depth", def);
        if (depth > MAX_DEPTH) {
            throw b.error("depth", depth + " blocks is more than the limit of " + MAX_DEPTH);
        }
        return depth;
    }

    private static int heads(JsonPath b, int dim, int def) {
        int heads = b.positive("num_heads", def);
        if (dim % heads != 0) {
            throw b.error("num_heads", "embed_dim " + dim + " is not divisible by num_heads " + heads);
        }
        return heads;
    }

    private record Windows(boolean[] attn, int[] size) {
    }

    /** Per-block {@code window_attn} / {@code window_size}, each a list of depth entries or one value for all. */
    private static Windows windows(JsonPath b, int depth, BranchKind kind, int defaultSize) {
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
            windowSize[i] = s == null || s.isNull() ? defaultSize : s.asInt();
            if (kind == BranchKind.DEIT && defaultSize < 0 && windowSize[i] <= 0) {
                windowAttn[i] = false; // vit_models: a block is windowed only where its size is positive
            }
            if ((windowAttn[i] || kind == BranchKind.BEIT) && windowSize[i] <= 0) {
                throw b.error("window_size", "expected a positive window size for block " + i + ", got " + windowSize[i]);
            }
        }
        return new Windows(windowAttn, windowSize);
    }

    private static List<int[]> interactionIndexes(JsonPath b, int depth) {
        JsonNode v = b.node().get("interaction_indexes");
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw b.error("interaction_indexes", v == null ? "missing" : "expected a non-empty list of [first, last] block pairs");
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode p = v.get(i);
            if (!p.isArray() || p.isEmpty() || !p.get(0).isIntegralNumber() || !p.get(p.size() - 1).isIntegralNumber()) {
                throw b.error("interaction_indexes[" + i + "]", "expected [first, last] block indexes, got " + p);
            }
            out.add(new int[] {p.get(0).asInt(), p.get(p.size() - 1).asInt()});
        }
        checkIndexes(b, out, depth, "");
        return List.copyOf(out);
    }

    private static void checkIndexes(JsonPath b, List<int[]> indexes, int depth, String why) {
        for (int i = 0; i < indexes.size(); i++) {
            int first = indexes.get(i)[0];
            int last = indexes.get(i)[1];
            if (first < 0 || last >= depth || first > last) {
                throw b.error("interaction_indexes[" + i + "]", "block range [" + first + ", " + last + "] is outside 0.."
                        + (depth - 1) + " (depth " + depth + ")" + why);
            }
        }
    }

    private static void validate(JsonPath c, PiipConfig cfg) {
        boolean dense = cfg.task() == PiipConfig.Task.DENSE;
        int interactions = cfg.numInteractions();
        for (BranchConfig b : cfg.branches()) {
            if (b.interactionIndexes().size() != interactions) {
                throw c.error(b.name() + ".interaction_indexes", "has " + b.interactionIndexes().size()
                        + " interactions, branch1 has " + interactions + " (all branches must match)");
            }
            for (int k = 0; k < interactions; k++) {
                int dim = b.blockDims()[b.interactionLayer(k)];
                if (dim % cfg.deformNumHeads() != 0) {
                    throw c.error("deform_num_heads", b.name() + " width " + dim + " (interaction " + k
                            + ") is not divisible by deform_num_heads " + cfg.deformNumHeads());
                }
            }
            if (b.imgSize() < b.patchSize()) {
                throw c.error(b.name() + (dense ? ".real_size" : ".img_size"),
                        "resolution " + b.imgSize() + " is smaller than patch_size " + b.patchSize());
            }
        }
        // the classifier and PIIPTwoBranch / PIIPFourBranch assert it; PIIPThreeBranch mixes
        // ConvNeXt and ViT branches freely
        boolean widthsOrdered = !dense || cfg.numBranches() != 3;
        for (int i = 1; i < cfg.numBranches(); i++) {
            BranchConfig prev = cfg.branches().get(i - 1);
            BranchConfig cur = cfg.branches().get(i);
            if (widthsOrdered && cur.embedDim() > prev.embedDim()) {
                throw c.error(cur.name() + ".embed_dim", "branch widths must not increase (" + prev.name() + " has "
                        + prev.embedDim() + ", " + cur.name() + " has " + cur.embedDim() + "): the parameter-inverted "
                        + "design gives the largest model the lowest resolution");
            }
            if (cur.imgSize() < prev.imgSize()) {
                throw c.error(cur.name() + (dense ? ".real_size" : ".img_size"),
                        "resolutions must not decrease (" + prev.name() + " " + prev.imgSize() + ", " + cur.name()
                                + " " + cur.imgSize() + ")");
            }
        }
        if (!cfg.separateHead() && !dense) {
            for (BranchConfig b : cfg.branches()) {
                if (b.embedDim() % 32 != 0) {
                    throw c.error(b.name() + ".embed_dim", "must be divisible by 32 for the GroupNorm(32) branch merging, got " + b.embedDim());
                }
            }
        }
        if (cfg.separateHead() && !dense) {
            for (BranchConfig b : cfg.branches()) {
                if (!b.useClsToken()) {
                    throw c.error(b.name() + ".use_cls_token", "separate_head needs a class token in every branch");
                }
            }
        }
        if (dense) {
            validateDense(c, cfg);
        }
    }

    private static void validateDense(JsonPath c, PiipConfig cfg) {
        BranchConfig b1 = cfg.branches().get(0);
        BranchConfig last = cfg.branches().get(cfg.numBranches() - 1);
        if (b1.embedDim() % 32 != 0) {
            throw c.error("branch1.embed_dim", "must be divisible by 32 for the GroupNorm(32) merging and output layers, got "
                    + b1.embedDim());
        }
        PiipConfig.DenseOptions d = cfg.dense();
        if (d.withSimpleFpn()) {
            if (last.kind() == BranchKind.CONVNEXT) {
                throw c.error("with_simple_fpn", "must be false when the last branch is a ConvNeXt (" + last.name() + ")");
            }
            return;
        }
        List<Integer> idx = d.outInteractionIndexes();
        if (idx.size() != 3 || new java.util.HashSet<>(idx).size() != 3) {
            throw c.error("out_interaction_indexes", "with_simple_fpn false needs three distinct interaction indexes "
                    + "(with the final merge they make the four outputs), got " + idx);
        }
        for (int k : idx) {
            if (k < 0 || k >= cfg.numInteractions()) {
                throw c.error("out_interaction_indexes", "index " + k + " is outside 0.." + (cfg.numInteractions() - 1));
            }
            if (cfg.interactionDim(0, k) % 32 != 0) {
                throw c.error("out_interaction_indexes", "branch1 width " + cfg.interactionDim(0, k) + " at interaction " + k
                        + " is not divisible by 32 (GroupNorm(32) of the intermediate merging)");
            }
        }
    }
}
