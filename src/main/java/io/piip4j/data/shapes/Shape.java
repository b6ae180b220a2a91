package io.piip4j.data.shapes;

/**
 * One shape placed in a scene: its kind, centre, outer radius, rotation and colour. Coverage is
 * decided exactly at pixel centres, so an instance's mask is the set of pixels it colours, with no
 * anti-aliased edge belonging to two instances.
 *
 * @param radius the circumradius (disc and ring: the outer radius; square: centre to corner)
 * @param angle  rotation in radians (square and triangle)
 * @param rgb    packed {@code 0xRRGGBB}
 */
public record Shape(ShapeKind kind, double cx, double cy, double radius, double angle, int rgb) {
    /** The ring's inner radius as a fraction of its outer radius. */
    static final double RING_INNER = 0.55;

    /** Whether the point (x, y), in pixel coordinates, lies inside the shape. */
    public boolean covers(double x, double y) {
        return covers(x, y, StrictMath.cos(angle), StrictMath.sin(angle));
    }

    /** The pixels of a {@code size × size} image whose centres the shape covers, row-major. */
    public boolean[] rasterize(int size) {
        boolean[] mask = new boolean[size * size];
        double c = StrictMath.cos(angle);
        double s = StrictMath.sin(angle);
        int x0 = Math.max(0, (int) Math.floor(cx - radius) - 1);
        int x1 = Math.min(size - 1, (int) Math.ceil(cx + radius) + 1);
        int y0 = Math.max(0, (int) Math.floor(cy - radius) - 1);
        int y1 = Math.min(size - 1, (int) Math.ceil(cy + radius) + 1);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                mask[y * size + x] = covers(x + 0.5, y + 0.5, c, s);
            }
        }
        return mask;
    }

    private boolean covers(double x, double y, double c, double s) {
        double dx = x - cx;
        double dy = y - cy;
        // into the shape's own frame (StrictMath: the same masks on every JVM and CPU)
        double u = c * dx + s * dy;
        double v = -s * dx + c * dy;
        double d2 = dx * dx + dy * dy;
        return switch (kind) {
            case DISC -> d2 <= radius * radius;
            case RING -> d2 <= radius * radius && d2 >= RING_INNER * RING_INNER * radius * radius;
            case SQUARE -> {
                double half = radius / StrictMath.sqrt(2.0);
                yield Math.abs(u) <= half && Math.abs(v) <= half;
            }
            case TRIANGLE -> insideTriangle(u, v);
        };
    }

    /** Outward edge normals of the triangle (one vertex on the +v axis): at 270°, 30° and 150°. */
    private static final double[][] TRIANGLE_NORMALS = {
        {0, -1}, {StrictMath.sqrt(3) / 2, 0.5}, {-StrictMath.sqrt(3) / 2, 0.5}};

    /** An equilateral triangle with circumradius {@code radius}: inside all three edges, at the inradius radius / 2. */
    private boolean insideTriangle(double u, double v) {
        double r = radius / 2.0;
        for (double[] n : TRIANGLE_NORMALS) {
            if (u * n[0] + v * n[1] > r) {
                return false;
            }
        }
        return true;
    }
}
