package io.piip4j.count;

import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of a built (unallocated) model grouped as the paper reports them: per branch, per
 * interaction stage, and the merging / output layers. Counting reads shapes only.
 */
public record ParameterCount(Map<String, Long> groups, long total) {

    public static ParameterCount of(Module model) {
        Map<String, Long> groups = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            String group = groupOf(e.getKey());
            groups.merge(group, e.getValue().numel(), Long::sum);
            total += e.getValue().numel();
        }
        return new ParameterCount(groups, total);
    }

    /** branchN → "branchN"; interactions.K.… → "interactions.K"; everything else → "merging/output". */
    static String groupOf(String key) {
        String[] parts = key.split("\\.");
        if (parts[0].matches("branch\\d+")) {
            return parts[0];
        }
        if (parts[0].equals("interactions") && parts.length > 1) {
            return "interactions." + parts[1];
        }
        return "merging/output";
    }
}
