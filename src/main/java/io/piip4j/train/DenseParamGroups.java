package io.piip4j.train;

import io.piip4j.config.JsonPath;
import io.piip4j.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optimizer's parameter groups for the dense tasks (detection, segmentation).
 *
 * <p>With a {@code paramwise_cfg} ({@link LayerDecay}) they are PIIP's
 * {@code CustomLayerDecayOptimizerConstructor(MMDet)}'s: a layer id per parameter (position and
 * class embeddings and patch embeddings 0; block {@code j} of branch 1 {@code j + 1}, of branch
 * {@code b > 1} {@code (j + 1) · skip_stride[b - 2]}; everything else — interactions, merging,
 * neck, heads — {@code num_layers + 1}), the learning rate scaled by
 * {@code rate^(num_layers + 1 − id)}, no weight decay on 1-D tensors and biases only. As there,
 * a group is named by the id truncated to an integer ({@code "layer_%d"}) and takes the scale of
 * the first parameter that opened it, so a fractional {@code skip_stride} shares the first branch's
 * groups.
 *
 * <p>Without one: two groups, no weight decay on 1-D tensors, biases, position embeddings and
 * class tokens (the classifier trainer's convention), full rate everywhere.
 */
public final class DenseParamGroups {
    /** {@code paramwise_cfg}: the backbone's {@code num_layers}, {@code layer_decay_rate} and {@code skip_stride} (one per branch after the first). */
    public record LayerDecay(int numLayers, double rate, double[] skipStride) {
        static final Set<String> KEYS = Set.of("num_layers", "layer_decay_rate", "skip_stride");

        static LayerDecay read(JsonPath p) {
            p.allowOnly(KEYS);
            double rate = p.number("layer_decay_rate", null);
            if (!(rate > 0) || rate > 1) {
                throw p.error("layer_decay_rate", "expected a rate in (0, 1], got " + rate);
            }
            double[] skip = !p.has("skip_stride") ? new double[] {1} : p.node().get("skip_stride").isNumber()
                    ? new double[] {p.node().get("skip_stride").asDouble()} : p.numbers("skip_stride", null);
            for (double s : skip) {
                if (!(s > 0)) {
                    throw p.error("skip_stride", "expected positive strides, got " + java.util.Arrays.toString(skip));
                }
            }
            return new LayerDecay(p.positive("num_layers", null), rate, skip);
        }
    }

    private DenseParamGroups() {
    }

    public static List<ParamGroups.Group> build(Map<String, Parameter> named, double weightDecay, LayerDecay decay) {
        Map<String, ParamGroups.Group> groups = new LinkedHashMap<>();
        if (decay == null) { // in this order whatever the first parameter is
            groups.put("decay", new ParamGroups.Group("decay", new ArrayList<>(), new ArrayList<>(), 1.0, weightDecay));
            groups.put("no_decay", new ParamGroups.Group("no_decay", new ArrayList<>(), new ArrayList<>(), 1.0, 0.0));
        }
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            Parameter p = e.getValue();
            if (p.isBuffer()) {
                continue;
            }
            String name = e.getKey();
            String group;
            double scale;
            boolean noDecay;
            if (decay == null) {
                noDecay = p.shape().length <= 1 || name.endsWith(".bias") || name.endsWith("pos_embed") || name.endsWith("cls_token");
                group = noDecay ? "no_decay" : "decay";
                scale = 1.0;
            } else {
                noDecay = p.shape().length <= 1 || name.endsWith(".bias");
                int layers = decay.numLayers() + 2;
                double id = layerId(name, layers, decay.skipStride());
                group = "layer_" + (long) id + (noDecay ? "_no_decay" : "_decay");
                scale = Math.pow(decay.rate(), layers - id - 1);
            }
            boolean nd = noDecay;
            ParamGroups.Group g = groups.computeIfAbsent(group,
                    k -> new ParamGroups.Group(k, new ArrayList<>(), new ArrayList<>(), scale, nd ? 0.0 : weightDecay));
            g.names().add(name);
            g.params().add(p);
        }
        return List.copyOf(groups.values());
    }

    /** PIIP's {@code get_num_layer_for_vit} on a whole-model key ({@code maxLayers} = num_layers + 2). */
    static double layerId(String name, int maxLayers, double[] skipStride) {
        String[] part = name.split("\\.");
        if (part.length < 2 || !part[0].equals("backbone")) {
            return maxLayers - 1;
        }
        int at = 1;
        int branch = 1;
        if (part[1].matches("branch[1-4]")) {
            branch = part[1].charAt(6) - '0';
            at = 2;
        }
        if (part.length <= at) {
            return maxLayers - 1;
        }
        String what = part[at];
        if (part.length == at + 1 && Set.of("cls_token", "mask_token", "pos_embed", "visual_embed").contains(what)) {
            return 0;
        }
        if (what.equals("patch_embed") || what.equals("visual_embed")) {
            return 0;
        }
        if ((what.equals("blocks") || what.equals("layers")) && part.length > at + 1) {
            int block = Integer.parseInt(part[at + 1]);
            if (branch == 1 || at == 1) {
                return block + 1;
            }
            int k = branch - 2;
            if (k >= skipStride.length) {
                // Python indexes skip_stride[k] and fails; say which entry is missing instead
                throw new IllegalArgumentException("paramwise_cfg.skip_stride: branch" + branch + " needs " + (k + 1)
                        + " strides, got " + skipStride.length);
            }
            return (block + 1) * skipStride[k];
        }
        return maxLayers - 1;
    }
}
