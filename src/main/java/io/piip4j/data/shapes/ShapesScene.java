package io.piip4j.data.shapes;

import java.util.List;

/**
 * One generated image with its exact annotations: the pixels, each visible instance's mask (what
 * remains of the shape after the shapes drawn over it), and the semantic class map.
 *
 * @param rgb       packed {@code 0xRRGGBB}, row-major, {@code size × size}
 * @param classMap  per pixel: 0 background, otherwise the {@link ShapeKind#categoryId()} on top
 * @param instances bottom to top
 */
public record ShapesScene(int size, int[] rgb, byte[] classMap, List<Instance> instances) {

    /**
     * @param visible row-major mask of the pixels this shape colours in the final image
     */
    public record Instance(Shape shape, boolean[] visible, int area) {
    }
}
