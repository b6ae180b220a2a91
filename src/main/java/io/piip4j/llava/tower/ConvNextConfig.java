package io.piip4j.llava.tower;

import java.util.Arrays;

/** A timm ConvNeXt's shape: blocks per stage and channels per stage (stem patch 4, MLP ratio 4). */
public record ConvNextConfig(int[] depths, long[] dims) {
    public ConvNextConfig {
        if (depths.length != dims.length || depths.length == 0) {
            throw new IllegalArgumentException("ConvNeXt: depths " + Arrays.toString(depths) + " and dims " + Arrays.toString(dims)
                    + " must name the same stages");
        }
        depths = depths.clone();
        dims = dims.clone();
    }

    @Override
    public int[] depths() {
        return depths.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }
}
