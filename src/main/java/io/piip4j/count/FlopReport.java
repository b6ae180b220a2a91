package io.piip4j.count;

import java.util.Collections;
import java.util.Map;

/**
 * Parameters and FLOPs (multiply-adds) of one model under one {@link Convention}, per group:
 * {@code branchN}, {@code interactions.K}, {@code merging/output} ({@code backbone} for a
 * single-branch baseline). For the authors' conventions the total is the hooked count plus the
 * scripts' analytic attention terms, which are attributed to the branch (self-attention) and the
 * interaction stage (cross-attention) they describe.
 *
 * @param unavailable why this convention cannot count the model (the official script fails on it,
 *                    or it does not apply); null when counted
 */
public record FlopReport(Convention convention, int inputHeight, int inputWidth, Map<String, Long> params,
        Map<String, Long> flops, long hookedFlops, long analyticFlops, String unavailable) {

    public FlopReport {
        params = params == null ? Map.of() : Collections.unmodifiableMap(params);
        flops = flops == null ? Map.of() : Collections.unmodifiableMap(flops);
    }

    static FlopReport unavailable(Convention c, String why) {
        return new FlopReport(c, 0, 0, null, null, 0, 0, why);
    }

    public boolean available() {
        return unavailable == null;
    }

    public long totalParams() {
        return params.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalFlops() {
        return flops.values().stream().mapToLong(Long::longValue).sum();
    }
}
