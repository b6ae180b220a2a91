package io.piip4j.count;

/** The image a model is fed: height × width pixels. */
public record InputSize(int height, int width) {

    public InputSize {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("input size must be positive, got " + height + "x" + width);
        }
    }

    /** "1024x768" (height x width) or "1024" (square). */
    public static InputSize parse(String s) {
        String[] p = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 1) {
                int v = Integer.parseInt(p[0].trim());
                return new InputSize(v, v);
            }
            if (p.length == 2) {
                return new InputSize(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--input: expected HxW or N (pixels), got '" + s + "'");
    }

    @Override
    public String toString() {
        return height + "x" + width;
    }
}
