package io.piip4j.count;

/** The shape of one feature map a model part hands on (batch left out): channels × height × width. */
public record FeatureMap(long channels, long height, long width) {

    public FeatureMap {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("feature map " + channels + "x" + height + "x" + width + ": sizes must be positive");
        }
    }

    /** Cells of one channel. */
    public long cells() {
        return height * width;
    }

    /** Elements over all channels. */
    public long elements() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
