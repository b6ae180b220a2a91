package io.piip4j.count;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A model's cost under every {@link Convention} (some may be unavailable, with the reason).
 *
 * @param outputs the maps a dense backbone hands to its neck at the counted input, finest first;
 *                empty for classification models and layouts whose outputs are not modelled
 */
public record CostReport(ModelTask task, Map<Convention, FlopReport> reports, List<FeatureMap> outputs) {

    public CostReport {
        reports = Collections.unmodifiableMap(new EnumMap<>(reports));
        outputs = List.copyOf(outputs);
    }

    public CostReport(ModelTask task, Map<Convention, FlopReport> reports) {
        this(task, reports, List.of());
    }

    public FlopReport get(Convention c) {
        return reports.get(c);
    }
}
