package io.piip4j.data.shapes;

import java.awt.Color;
import java.util.Random;

/**
 * Textured, low-saturation backgrounds (stripes, checks or smooth blotches, with grain), so that
 * a model must find shapes by form and colour rather than by any non-background pixel.
 */
final class Background {
    private Background() {
    }

    static int[] texture(int size, Random rnd) {
        float hue = rnd.nextFloat();
        Color a = Color.getHSBColor(hue, 0.1f + 0.2f * rnd.nextFloat(), 0.35f + 0.3f * rnd.nextFloat());
        Color b = Color.getHSBColor(hue + 0.1f * rnd.nextFloat(), 0.1f + 0.2f * rnd.nextFloat(), 0.35f + 0.3f * rnd.nextFloat());
        int pattern = rnd.nextInt(3);
        double period = size * (0.04 + 0.08 * rnd.nextDouble());
        double angle = rnd.nextDouble() * StrictMath.PI;
        double c = StrictMath.cos(angle);
        double s = StrictMath.sin(angle);
        // blotches: a few random waves summed
        double[][] waves = new double[4][4];
        for (double[] w : waves) {
            w[0] = (rnd.nextDouble() - 0.5) * 12 / size;
            w[1] = (rnd.nextDouble() - 0.5) * 12 / size;
            w[2] = rnd.nextDouble() * 2 * StrictMath.PI;
            w[3] = 0.5 + rnd.nextDouble();
        }
        int[] rgb = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double t = switch (pattern) {
                    case 0 -> StrictMath.floor((c * x + s * y) / period) % 2 == 0 ? 0 : 1;
                    case 1 -> (Math.floorMod((int) StrictMath.floor(x / period) + (int) StrictMath.floor(y / period), 2));
                    default -> {
                        double sum = 0;
                        for (double[] w : waves) {
                            sum += w[3] * StrictMath.sin(2 * StrictMath.PI * (w[0] * x + w[1] * y) + w[2]);
                        }
                        yield 0.5 + 0.5 * Math.max(-1, Math.min(1, sum / 2));
                    }
                };
                int grain = rnd.nextInt(25) - 12;
                rgb[y * size + x] = mix(a, b, t, grain);
            }
        }
        return rgb;
    }

    private static int mix(Color a, Color b, double t, int grain) {
        int r = channel(a.getRed(), b.getRed(), t, grain);
        int g = channel(a.getGreen(), b.getGreen(), t, grain);
        int bl = channel(a.getBlue(), b.getBlue(), t, grain);
        return r << 16 | g << 8 | bl;
    }

    private static int channel(int a, int b, double t, int grain) {
        return Math.max(0, Math.min(255, (int) Math.round(a + (b - a) * t) + grain));
    }
}
