package io.piip4j.eval.seg;

import io.piip4j.eval.EvalException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A per-pixel class map read from a single-channel PNG (8- or 16-bit grayscale, or palette
 * indices), as mmsegmentation reads labels ({@code mmcv.imread(flag='unchanged')}): the stored
 * sample values, read from the raster — never through a colour model, which would apply the
 * grey gamma curve.
 *
 * @param values row-major, height × width
 */
public record LabelMap(Path file, int height, int width, int[] values) {

    public static LabelMap read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new EvalException(file + ": no such file");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new EvalException(file + ": cannot decode (" + e.getMessage() + ")");
        }
        if (img == null) {
            throw new EvalException(file + ": not an image ImageIO can read (expected a PNG)");
        }
        Raster r = img.getRaster();
        if (r.getNumBands() != 1) {
            throw new EvalException(file + ": has " + r.getNumBands() + " channels, expected a single-channel"
                    + " (grayscale or palette) class map");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        int[] v = r.getSamples(0, 0, w, h, 0, new int[w * h]);
        return new LabelMap(file, h, w, v);
    }
}
