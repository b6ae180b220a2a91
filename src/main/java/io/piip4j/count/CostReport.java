package io.piip4j.count;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** A model's cost under every {@link Convention} (some may be unavailable, with the reason). */
public record CostReport(ModelTask task, Map<Convention, FlopReport> reports) {

    public CostReport {
        reports = Collections.unmodifiableMap(new EnumMap<>(reports));
    }

    public FlopReport get(Convention c) {
        return reports.get(c);
    }
}
