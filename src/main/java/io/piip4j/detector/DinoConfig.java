package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.head.dino.TransformerSpec;
import java.util.List;

/**
 * The neck, head and {@code test_cfg} of an mmdetection {@code DINO} model config (PIIP's fork of
 * mmdet 2.25), read from a golden case.json ({@code config.model}) or a released config
 * ({@code model}); every size comes from there, with mmcv's defaults where a key is absent (8 heads,
 * 4 levels and 4 points in the deformable attentions). Errors name the file and the key.
 */
public record DinoConfig(Neck neck, TransformerSpec transformer, PositionalEncoding positionalEncoding, int numClasses,
        int numRegFcs, int maxPerImg) {

    /** {@code ChannelMapper}: one conv + GroupNorm per input, then stride-2 extra levels up to {@code num_outs}. */
    public record Neck(int[] inChannels, int outChannels, int kernelSize, int gnGroups, int numOuts) {
    }

    /** {@code SinePositionalEncoding}'s arguments. */
    public record PositionalEncoding(int numFeats, double temperature, boolean normalize, double scale, double eps,
            double offset) {
    }

    /** Whether a config's JSON (case.json or released config) describes a DINO detector. */
    public static boolean describes(JsonNode root) {
        return MaskRcnnConfig.modelNode(root).path("type").asText("").equals("DINO");
    }

    /** The model config of a parsed case.json or released config; {@code name} names it in errors. */
    public static DinoConfig read(JsonNode root, String name) {
        JsonNode m = MaskRcnnConfig.modelNode(root);
        if (!m.isObject()) {
            throw new ConfigException(name + ": no model config (config.model or model)");
        }
        ConfigObject model = new ConfigObject(m, name + ": model");
        model.expectType("DINO");
        return parse(model);
    }

    private static DinoConfig parse(ConfigObject model) {
        ConfigObject neck = model.object("neck");
        neck.expectType("ChannelMapper");
        if (model.node.path("neck").hasNonNull("act_cfg")) {
            throw new ConfigException(neck.where + ".act_cfg: only None (no activation) is supported");
        }
        ConfigObject norm = neck.object("norm_cfg");
        norm.expectType("GN");
        int[] in = neck.ints("in_channels", null);
        Neck n = new Neck(in, neck.positive("out_channels"), neck.integer("kernel_size", 3), norm.positive("num_groups"),
                neck.integer("num_outs", in.length));

        ConfigObject head = model.object("bbox_head");
        head.expectType("DINOHead");
        if (!head.bool("as_two_stage", false) || !head.bool("with_box_refine", false)) {
            throw new ConfigException(head.where + ": DINO needs as_two_stage and with_box_refine true");
        }
        if (head.bool("use_2fc_cls_branch", false)) {
            throw new ConfigException(head.where + ".use_2fc_cls_branch: only the one-Linear classifier is supported");
        }
        if (!head.object("loss_cls").bool("use_sigmoid", false)) {
            throw new ConfigException(head.where + ".loss_cls.use_sigmoid: DINO's test path needs sigmoid scores");
        }
        int numClasses = head.positive("num_classes");
        int numQuery = head.integer("num_query", 100);
        ConfigObject tr = head.object("transformer");
        tr.expectType("DinoTransformer");
        int levels = tr.integer("num_feature_levels", 4);

        ConfigObject enc = tr.object("encoder");
        enc.expectType("DetrTransformerEncoder");
        ConfigObject encLayer = enc.object("transformerlayers");
        expectOrder(encLayer, List.of("self_attn", "norm", "ffn", "norm"));
        ConfigObject encAttn = new ConfigObject(single(encLayer, 0), encLayer.where + ".attn_cfgs");
        encAttn.expectType("MultiScaleDeformableAttention");

        ConfigObject dec = tr.object("decoder");
        dec.expectType("DinoTransformerDecoder");
        if (!dec.bool("return_intermediate", false)) {
            throw new ConfigException(dec.where + ".return_intermediate: the head classifies every layer's output; must be true");
        }
        ConfigObject decLayer = dec.object("transformerlayers");
        expectOrder(decLayer, List.of("self_attn", "norm", "cross_attn", "norm", "ffn", "norm"));
        ConfigObject selfAttn = new ConfigObject(single(decLayer, 0), decLayer.where + ".attn_cfgs[0]");
        selfAttn.expectType("MultiheadAttention");
        ConfigObject crossAttn = new ConfigObject(single(decLayer, 1), decLayer.where + ".attn_cfgs[1]");
        crossAttn.expectType("MultiScaleDeformableAttention");

        int embed = encAttn.integer("embed_dims", 256);
        for (ConfigObject a : List.of(selfAttn, crossAttn)) {
            if (a.integer("embed_dims", 256) != embed) {
                throw new ConfigException(a.where + ".embed_dims: " + a.integer("embed_dims", 256) + ", but the encoder's is " + embed);
            }
        }
        int heads = encAttn.integer("num_heads", 8);
        int points = encAttn.integer("num_points", 4);
        for (ConfigObject a : List.of(encAttn, crossAttn)) {
            if (a.integer("num_levels", 4) != levels) {
                throw new ConfigException(a.where + ".num_levels: " + a.integer("num_levels", 4) + ", but num_feature_levels is " + levels);
            }
        }
        if (crossAttn.integer("num_heads", 8) != heads || crossAttn.integer("num_points", 4) != points) {
            throw new ConfigException(crossAttn.where + ": num_heads / num_points differ from the encoder's; not supported");
        }
        int ffn = feedforward(encLayer);
        if (feedforward(decLayer) != ffn) {
            throw new ConfigException(decLayer.where + ".feedforward_channels: " + feedforward(decLayer) + ", but the encoder's is " + ffn);
        }
        int proposals = tr.integer("two_stage_num_proposals", 300);
        if (n.outChannels() != embed || n.numOuts() != levels) {
            throw new ConfigException(neck.where + ": out_channels " + n.outChannels() + " and num_outs " + n.numOuts()
                    + " must equal the transformer's embed_dims " + embed + " and num_feature_levels " + levels);
        }
        TransformerSpec spec;
        try {
            spec = new TransformerSpec(embed, ffn, enc.integer("num_layers", 6), dec.positive("num_layers"), levels, heads, points,
                    selfAttn.positive("num_heads"), proposals);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(tr.where + ": " + e.getMessage());
        }

        ConfigObject pe = head.object("positional_encoding");
        pe.expectType("SinePositionalEncoding");
        PositionalEncoding pos = new PositionalEncoding(pe.positive("num_feats"), pe.number("temperature", 10000),
                pe.bool("normalize", false), pe.number("scale", 2 * Math.PI), pe.number("eps", 1e-6), pe.number("offset", 0));
        if (2 * pos.numFeats() != embed) {
            throw new ConfigException(pe.where + ".num_feats: " + pos.numFeats() + " must be half of embed_dims " + embed);
        }
        JsonNode test = model.node.get("test_cfg");
        int maxPerImg = test == null || test.isNull() ? numQuery
                : new ConfigObject(test, model.where + ".test_cfg").integer("max_per_img", numQuery);
        if (maxPerImg < 1) {
            throw new ConfigException(model.where + ".test_cfg.max_per_img: expected a positive integer, got " + maxPerImg);
        }
        return new DinoConfig(n, spec, pos, numClasses, head.integer("num_reg_fcs", 2), maxPerImg);
    }

    /** The {@code i}-th attention config: a list's entry, or the one object standing for all of them. */
    private static JsonNode single(ConfigObject layer, int i) {
        JsonNode a = layer.node.get("attn_cfgs");
        if (a != null && a.isArray()) {
            if (i >= a.size()) {
                throw new ConfigException(layer.where + ".attn_cfgs: expected at least " + (i + 1) + " entries, got " + a.size());
            }
            return a.get(i);
        }
        return a;
    }

    private static void expectOrder(ConfigObject layer, List<String> order) {
        JsonNode o = layer.node.get("operation_order");
        List<String> got = new java.util.ArrayList<>();
        if (o != null && o.isArray()) {
            o.forEach(x -> got.add(x.asText()));
        }
        if (!got.equals(order)) {
            throw new ConfigException(layer.where + ".operation_order: expected " + order + ", got " + (o == null ? "none" : o));
        }
    }

    /** FFN width: {@code ffn_cfgs.feedforward_channels}, else the layer's (deprecated) key, else mmcv's 1024. */
    private static int feedforward(ConfigObject layer) {
        JsonNode f = layer.node.get("ffn_cfgs");
        int layerValue = layer.integer("feedforward_channels", 1024);
        if (f == null || f.isNull()) {
            return layerValue;
        }
        ConfigObject ffn = new ConfigObject(f, layer.where + ".ffn_cfgs");
        if (ffn.integer("num_fcs", 2) != 2 || !ffn.text("act_cfg.type", "ReLU").equals("ReLU")) {
            throw new ConfigException(ffn.where + ": only two layers with ReLU are supported");
        }
        return ffn.integer("feedforward_channels", layerValue);
    }
}
