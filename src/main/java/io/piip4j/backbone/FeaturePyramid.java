package io.piip4j.backbone;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * What a dense backbone hands to a neck, as mmdetection's {@code out_indices} / torchvision's
 * {@code BackboneWithFPN} do: feature maps, finest first, each with its stride (input pixels per
 * map cell) and channel count, so a neck is built from the numbers rather than from the backbone.
 */
public record FeaturePyramid(List<Level> levels) {

    /** One map (B, C, H, W) of the pyramid. */
    public record Level(Tensor map, int stride, long channels) {
    }

    public FeaturePyramid {
        levels = List.copyOf(levels);
    }

    /** Maps with their nominal strides, in the same order; channels are read from the maps. */
    public static FeaturePyramid of(List<Tensor> maps, int[] strides) {
        if (maps.size() != strides.length) {
            throw new IllegalArgumentException(maps.size() + " maps, " + strides.length + " strides");
        }
        List<Level> levels = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            levels.add(new Level(maps.get(i), strides[i], maps.get(i).size(1)));
        }
        return new FeaturePyramid(levels);
    }

    /** The maps alone, finest first (the reference's output tuple). */
    public List<Tensor> maps() {
        return levels.stream().map(Level::map).toList();
    }

    public int[] strides() {
        return levels.stream().mapToInt(Level::stride).toArray();
    }

    public long[] channels() {
        return levels.stream().mapToLong(Level::channels).toArray();
    }
}
