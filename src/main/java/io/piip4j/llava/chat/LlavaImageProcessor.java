package io.piip4j.llava.chat;

import io.piip4j.image.ImageNetTransform;
import io.piip4j.tensor.NdArray;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The release's image preprocessing: LLaVA-1.5's {@code pad} aspect handling
 * ({@code expand2square}: the image centred on a square of the mean colour) and then the
 * {@code CLIPImageProcessor} the PIIP tower configures — shorter side resized bicubically to the
 * tower's input size, centre crop, /255, ImageNet mean and std (the release sets those, not CLIP's).
 */
public final class LlavaImageProcessor {
    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] STD = {0.229, 0.224, 0.225};

    private final int size;
    private final boolean padToSquare;
    private final ImageNetTransform transform;

    public LlavaImageProcessor(int size, boolean padToSquare) {
        this.size = size;
        this.padToSquare = padToSquare;
        this.transform = new ImageNetTransform(size, 1.0, MEAN, STD);
    }

    public NdArray apply(Path file) {
        return apply(ImageNetTransform.read(file));
    }

    /** (1, 3, size, size) float32. */
    public NdArray apply(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = ImageNetTransform.toRgb(image);
        if (padToSquare && w != h) {
            int side = Math.max(w, h);
            int[] square = new int[side * side];
            // the background is int(mean * 255) per channel, as expand2square is called
            int bg = ((int) (MEAN[0] * 255) << 16) | ((int) (MEAN[1] * 255) << 8) | (int) (MEAN[2] * 255);
            java.util.Arrays.fill(square, bg);
            int dx = (side - w) / 2;
            int dy = (side - h) / 2;
            for (int y = 0; y < h; y++) {
                System.arraycopy(rgb, y * w, square, (y + dy) * side + dx, w);
            }
            rgb = square;
            w = side;
            h = side;
        }
        return NdArray.ofFloats(transform.apply(rgb, w, h), 1, 3, size, size);
    }
}
