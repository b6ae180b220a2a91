package io.piip4j.data.shapes;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Scenes of coloured discs, squares, triangles and rings over textured backgrounds, occluding one
 * another, with exact masks: a data set made in code, for proving that detectors and segmentors
 * learn. Image {@code i} of seed {@code s} is the same on every machine (java.util.Random is
 * specified exactly and geometry uses StrictMath).
 *
 * <p>Occlusion is bounded so every annotation stays learnable: a new shape is kept only where each
 * shape under it keeps at least half of its area and {@link #MIN_VISIBLE_FRACTION} of the image side
 * squared; otherwise it is drawn again elsewhere (a few tries, then the scene has fewer shapes).
 */
public final class ShapesGenerator {
    static final int MIN_SHAPES = 2;
    static final int MAX_SHAPES = 6;
    static final double MIN_VISIBLE_FRACTION = 0.0015;
    private static final int TRIES = 20;

    private final int size;
    private final long seed;

    public ShapesGenerator(int size, long seed) {
        if (size < 32 || size > 4096) {
            throw new IllegalArgumentException("image size must be 32 to 4096 pixels, got " + size);
        }
        this.size = size;
        this.seed = seed;
    }

    public int size() {
        return size;
    }

    /** Scene {@code index} of this generator's seed. */
    public ShapesScene scene(int index) {
        // java.util.Random's first draws from neighbouring seeds are nearly equal: scramble first
        Random rnd = new Random(splitMix(splitMix(seed) + index));
        int n = size * size;
        int[] rgb = Background.texture(size, rnd);
        int[] owner = new int[n];
        java.util.Arrays.fill(owner, -1);
        List<Shape> shapes = new ArrayList<>();
        List<boolean[]> full = new ArrayList<>();
        int wanted = MIN_SHAPES + rnd.nextInt(MAX_SHAPES - MIN_SHAPES + 1);
        int minArea = (int) Math.ceil(MIN_VISIBLE_FRACTION * n);
        for (int k = 0; k < wanted; k++) {
            for (int t = 0; t < TRIES; t++) {
                Shape s = randomShape(rnd);
                boolean[] mask = rasterize(s);
                if (count(mask) >= 4 * minArea && keepsOthersVisible(mask, owner, full, minArea)) {
                    for (int p = 0; p < n; p++) {
                        if (mask[p]) {
                            owner[p] = shapes.size();
                        }
                    }
                    shapes.add(s);
                    full.add(mask);
                    break;
                }
            }
        }
        byte[] classMap = new byte[n];
        List<ShapesScene.Instance> instances = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            boolean[] visible = new boolean[n];
            int area = 0;
            for (int p = 0; p < n; p++) {
                if (owner[p] == i) {
                    visible[p] = true;
                    area++;
                    rgb[p] = shapes.get(i).rgb();
                    classMap[p] = (byte) shapes.get(i).kind().categoryId();
                }
            }
            instances.add(new ShapesScene.Instance(shapes.get(i), visible, area));
        }
        return new ShapesScene(size, rgb, classMap, List.copyOf(instances));
    }

    /** SplittableRandom's 64-bit finaliser (Stafford's mix 13). */
    static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private Shape randomShape(Random rnd) {
        ShapeKind kind = ShapeKind.values()[rnd.nextInt(ShapeKind.values().length)];
        double r = size * (0.06 + 0.12 * rnd.nextDouble());
        // centres keep at least half of the radius inside the image
        double cx = r / 2 + rnd.nextDouble() * (size - r);
        double cy = r / 2 + rnd.nextDouble() * (size - r);
        double angle = rnd.nextDouble() * 2 * StrictMath.PI;
        Color c = Color.getHSBColor(rnd.nextFloat(), 0.65f + 0.35f * rnd.nextFloat(), 0.7f + 0.3f * rnd.nextFloat());
        return new Shape(kind, cx, cy, r, angle, c.getRGB() & 0xFFFFFF);
    }

    private boolean[] rasterize(Shape s) {
        return s.rasterize(size);
    }

    /** Whether every shape already placed keeps half its area, and {@code minArea}, under the new one. */
    private static boolean keepsOthersVisible(boolean[] mask, int[] owner, List<boolean[]> full, int minArea) {
        int[] remaining = new int[full.size()];
        for (int p = 0; p < owner.length; p++) {
            if (owner[p] >= 0 && !mask[p]) {
                remaining[owner[p]]++;
            }
        }
        for (int i = 0; i < full.size(); i++) {
            int area = count(full.get(i));
            if (remaining[i] < minArea || 2 * remaining[i] < area) {
                return false;
            }
        }
        return true;
    }

    private static int count(boolean[] mask) {
        int c = 0;
        for (boolean b : mask) {
            if (b) {
                c++;
            }
        }
        return c;
    }
}
