package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * A whole task model's cost: the backbone as {@link FlopCounter} counts it (its rows and the
 * authors' conventions untouched) and each part after it ({@link PartCost}: neck, heads), at the
 * same input.
 *
 * <pre>{@code
 * WholeModelCost w = WholeModelCost.of(configJson, "mask_rcnn_deit_tsb_1120_896_448_fpn_1x_coco_bs16", null);
 * long params = w.totalParams();                  // backbone + FPN + RPN + RoI heads, as the state dict holds them
 * long flops  = w.totalFlops(Convention.TRUE);    // every operation of one test forward
 * }</pre>
 *
 * @param kind        the kind of model ("Mask R-CNN", "DINO"; "classifier", whose head the backbone count
 *                    already holds, so it has no parts); null where the parts are not counted
 * @param unavailable why the parts after the backbone are not counted (a head the counter has no cost
 *                    for, a bare backbone config); null when they are
 */
public record WholeModelCost(CostReport backbone, String kind, List<PartCost> parts, String unavailable) {

    public WholeModelCost {
        parts = List.copyOf(parts);
    }

    /** Counts the config's model at {@code input} (null: the official scripts' size for the backbone). */
    public static WholeModelCost of(JsonNode root, String configName, InputSize input) {
        CostReport r = FlopCounter.count(root, configName, input);
        if (r.task() == ModelTask.CLASSIFICATION) {
            return new WholeModelCost(r, "classifier", List.of(), null); // its head is part of the model counted
        }
        Optional<TaskHeadsCost> kind = TaskHeads.of(root);
        if (kind.isEmpty()) {
            JsonNode model = root.has("config") ? root.path("config").path("model") : root.path("model");
            return new WholeModelCost(r, null, List.of(), model.isObject()
                    ? "the counter has no cost for the neck and heads of model type '" + model.path("type").asText("?") + "' yet"
                    : "a backbone config: no neck or heads");
        }
        if (r.outputs().isEmpty()) {
            return new WholeModelCost(r, null, List.of(), "the counter does not model this backbone layout's output maps");
        }
        FlopReport b = r.get(Convention.DET_SCRIPT);
        return new WholeModelCost(r, kind.get().kind(), kind.get().parts(root, configName, r.outputs(),
                new InputSize(b.inputHeight(), b.inputWidth())), null);
    }

    /** The convention that counts the backbone (or classifier) as built. */
    public Convention built() {
        return backbone.task() == ModelTask.CLASSIFICATION ? Convention.CLS_SCRIPT : Convention.DET_SCRIPT;
    }

    public boolean available() {
        return unavailable == null;
    }

    /** The backbone's parameters (the module as built) plus every part's. */
    public long totalParams() {
        return backbone.get(built()).totalParams() + parts.stream().mapToLong(PartCost::params).sum();
    }

    /**
     * The backbone's FLOPs in a convention plus every part's; null where the convention does not
     * count the whole model (for a dense model authors-cls counts a classification-style backbone
     * only) or its count is unavailable.
     */
    public Long totalFlops(Convention c) {
        FlopReport b = backbone.get(c);
        if (!b.available() || c == Convention.CLS_SCRIPT && backbone.task() != ModelTask.CLASSIFICATION) {
            return null;
        }
        return b.totalFlops() + parts.stream().mapToLong(p -> p.flops(c)).sum();
    }
}
