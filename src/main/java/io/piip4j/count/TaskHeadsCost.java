package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The cost of what one kind of whole task model runs after its backbone (neck and heads), part by
 * part: one implementation per kind ({@link MaskRcnnCost}, {@link DinoCost}), listed in
 * {@link TaskHeads}. Each part's parameters come from its modules as built (unallocated), its FLOPs
 * from a {@link Meter} fed the shapes of one forward pass.
 */
public interface TaskHeadsCost {

    /** Whether a config (released config or golden case.json) describes this kind of model. */
    boolean describes(JsonNode root);

    /** The kind's name, for output ("Mask R-CNN"). */
    String kind();

    /**
     * The parts after the backbone, in forward order.
     *
     * @param name     names the config in errors
     * @param features the backbone's output maps for the counted image, finest first
     * @param image    the image fed to the backbone
     */
    List<PartCost> parts(JsonNode root, String name, List<FeatureMap> features, InputSize image);
}
