package io.piip4j.llava;

import io.piip4j.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parameter counts of a PIIP-LLaVA model by part: the tower's branches and interactions, the projector, the decoder, lm_head. */
public final class LlavaParameters {
    private static final String TOWER = LlavaCase.TOWER_PREFIX;

    private LlavaParameters() {
    }

    /** Part name to parameter count, in model order; the model need not hold weights. */
    public static Map<String, Long> byPart(LlavaModel model) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            out.merge(part(e.getKey()), e.getValue().numel(), Long::sum);
        }
        return out;
    }

    static String part(String key) {
        if (key.startsWith(TOWER)) {
            String rest = key.substring(TOWER.length());
            return "vision tower " + rest.substring(0, rest.indexOf('.'));
        }
        if (key.startsWith("model.mm_projector.")) {
            return "projector";
        }
        if (key.startsWith("model.layers.")) {
            return "decoder layers";
        }
        if (key.startsWith("model.")) {
            String rest = key.substring("model.".length());
            return "decoder " + rest.substring(0, rest.indexOf('.'));
        }
        return key.substring(0, key.indexOf('.'));
    }
}
