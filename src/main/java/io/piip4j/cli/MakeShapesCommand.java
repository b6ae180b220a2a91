package io.piip4j.cli;

import io.piip4j.data.shapes.ShapesDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code piip make-shapes}: writes the shapes instance-segmentation data set made in code. */
@Command(name = "make-shapes", mixinStandardHelpOptions = true,
        header = "Write a COCO-format data set of coloured shapes made in code (deterministic per seed).",
        footer = {"", "Example:", "  piip make-shapes --out shapes-val --images 50 --seed 777"},
        description = {"Coloured discs, squares, triangles and rings over textured backgrounds, occluding one another, "
                + "with exact masks. Writes DIR/images/*.png, DIR/instances.json (COCO instance segmentation, masks as "
                + "compressed RLE) and DIR/labels/*.png (semantic maps: 0 background, 1 disc, 2 square, 3 triangle, "
                + "4 ring). The same seed gives the same images on every machine; the folder appears whole or not at all."})
final class MakeShapesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to create (absent or empty).")
    Path out;

    @Option(names = "--images", required = true, paramLabel = "N", description = "Number of images.")
    int images;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "256", paramLabel = "PX", description = "Image side in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
        if (images < 1 || images > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--images must be 1 to 1000000, got " + images);
        }
        if (size < 32 || size > 4096) {
            throw new ParameterException(spec.commandLine(), "--size must be 32 to 4096 pixels, got " + size);
        }
        ShapesDataset.checkTarget(out); // before the progress bar: a used folder is a one-line error
        try (Progress progress = new Progress("make-shapes", images, quiet || images < 2, System.err)) {
            ShapesDataset.write(out, images, seed, size, done -> progress.step(null));
        }
        System.out.println("wrote " + images + " images to " + out + " (" + ShapesDataset.ANNOTATIONS + ", "
                + ShapesDataset.IMAGES + "/, " + ShapesDataset.LABELS + "/)");
        return 0;
    }
}
