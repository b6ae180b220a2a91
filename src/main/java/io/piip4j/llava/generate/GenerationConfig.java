package io.piip4j.llava.generate;

import java.util.Arrays;

/**
 * How to pick tokens: greedy where {@code temperature} is 0, otherwise sampled from the
 * temperature-scaled distribution cut to its top-p nucleus; generation stops at a stop id
 * (emitted, then ended) or after {@code maxNewTokens}. {@code seed} makes sampling repeatable.
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, long[] stopIds, long seed) {
    public GenerationConfig {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("max new tokens must be positive, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        stopIds = stopIds.clone();
    }

    public static GenerationConfig greedy(int maxNewTokens, long... stopIds) {
        return new GenerationConfig(maxNewTokens, 0, 1, stopIds, 0);
    }

    public boolean isStop(long id) {
        return Arrays.stream(stopIds).anyMatch(s -> s == id);
    }

    @Override
    public long[] stopIds() {
        return stopIds.clone();
    }
}
