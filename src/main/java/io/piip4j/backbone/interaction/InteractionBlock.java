package io.piip4j.backbone.interaction;

import io.piip4j.backbone.interaction.InteractionUnit;
import io.piip4j.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * One interaction stage: a unit between every pair of neighbouring branches
 * ({@code interaction_units_12}, {@code _23}, {@code _34}), applied from the last pair to the first.
 */
public final class InteractionBlock extends Module {
    private final List<InteractionUnit> units = new ArrayList<>();

    public InteractionBlock(List<InteractionUnit> pairUnits) {
        for (int i = 0; i < pairUnits.size(); i++) {
            units.add(child("interaction_units_" + (i + 1) + (i + 2), pairUnits.get(i)));
        }
    }

    public List<InteractionUnit> units() {
        return units;
    }
}
