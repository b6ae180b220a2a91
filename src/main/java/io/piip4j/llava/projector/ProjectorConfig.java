package io.piip4j.llava.projector;

import io.piip4j.llava.config.JsonKeys;

/**
 * The release's projector config ({@code model.projector}): {@code separate_2branch_v1} with the
 * branches' widths, the norm ({@code gn} or {@code ln}) and an optional common output grid
 * ({@code out_shape}; 0 = branch 2's grid).
 */
public record ProjectorConfig(long dim1, long dim2, String norm, long outShape) {

    public static ProjectorConfig read(JsonKeys p) {
        String type = p.string("type", null);
        if (!type.equals("separate_2branch_v1")) {
            throw p.error("type", "unknown projector '" + type + "' (expected separate_2branch_v1)");
        }
        String norm = p.string("norm", null);
        if (!norm.equals("gn") && !norm.equals("ln")) {
            throw p.error("norm", "expected gn or ln, got '" + norm + "'");
        }
        return new ProjectorConfig(p.positive("dim1", null), p.positive("dim2", null), norm, p.has("out_shape") ? p.positive("out_shape", null) : 0);
    }
}
