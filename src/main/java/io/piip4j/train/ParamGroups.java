package io.piip4j.train;

import io.piip4j.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer's parameter groups, as the reference's layer-decay optimizer constructor builds
 * them: each parameter goes to {@code layer_<id>_decay} or {@code layer_<id>_no_decay}, where
 * 1-D tensors, scalars, biases, position embeddings and class tokens take no weight decay, and
 * the learning rate of layer {@code id} is scaled by {@code rate^(numLayers + 1 − id)} (the last
 * layer, interactions and heads, at full rate).
 */
public final class ParamGroups {
    /** One group: its parameters (names and handles), learning-rate scale and weight decay. */
    public record Group(String name, List<String> names, List<Parameter> params, double lrScale, double weightDecay) {
    }

    private ParamGroups() {
    }

    public static List<Group> build(TrainableClassifier model, double weightDecay, double layerDecay) {
        int n = model.numLayers();
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.module().namedParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            boolean noDecay = p.shape().length <= 1 || name.endsWith(".bias") || name.endsWith("pos_embed")
                    || name.endsWith("cls_token");
            int layer = model.layerId(name, n);
            String g = "layer_" + layer + (noDecay ? "_no_decay" : "_decay");
            double scale = Math.pow(layerDecay, n + 1 - layer);
            Group group = groups.computeIfAbsent(g, k -> new Group(k, new ArrayList<>(), new ArrayList<>(), scale,
                    noDecay ? 0.0 : weightDecay));
            group.names().add(name);
            group.params().add(p);
        }
        return List.copyOf(groups.values());
    }
}
