package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.image.ImageNetTransform;
import io.piip4j.image.ImageReadException;
import io.piip4j.predict.Classification;
import io.piip4j.predict.ImageClassifier;
import io.piip4j.predict.PiipModel;
import io.piip4j.train.SmallImageClassifier;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code piip classify}: top-k classification of image files, with a PIIP classification model
 * given by {@code --config}/{@code --weights} (ImageNet preprocessing), or without them by the
 * built-in Fashion-MNIST PIIP shipped in the jar (any image is brought to 28×28 grey first).
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        header = "Classify images: top-k classes with probabilities.",
        footer = {"", "Examples:", "  piip classify examples/fashion-mnist-ankle-boot.png", "  piip classify --config piip-tsb-cls-368 --weights piip-tsb-cls-368 --top 5 cat.jpg"},
        description = {"Classify images (JPEG, PNG, BMP, GIF) with a PIIP classification model.",
            "Without --config/--weights: the built-in Fashion-MNIST model (10 clothing classes; any size, grey or colour)."})
final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Classification config (JSON); omit with --weights for the built-in Fashion-MNIST model.")
    String config;

    @Option(names = "--weights", description = "Checkpoint: PyTorch (.pth) or .safetensors, or a zoo name (its official checkpoint from the cache; see piip fetch, --download).")
    Path weights;

    @Option(names = "--invert", defaultValue = "auto",
            description = "Built-in model: invert grey levels first: auto (when the image's border is light, i.e. a dark object"
                    + " on white; Fashion-MNIST is light on black), yes, no (default ${DEFAULT-VALUE}).")
    String invert;

    @Option(names = "--top", defaultValue = "5", description = "How many classes to list (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Mixin
    RuntimeOptions runtime = new RuntimeOptions();

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new UsageException("--top must be at least 1, got " + top);
        }
        runtime.check();
        if ((config == null) != (weights == null)) {
            throw new UsageException("give both --config and --weights, or neither for the built-in Fashion-MNIST model");
        }
        if (config == null) {
            SmallImageClassifier.Invert inv = switch (invert.toLowerCase(Locale.ROOT)) {
                case "auto" -> SmallImageClassifier.Invert.AUTO;
                case "yes" -> SmallImageClassifier.Invert.YES;
                case "no" -> SmallImageClassifier.Invert.NO;
                default -> throw new UsageException("--invert must be auto, yes or no, got '" + invert + "'");
            };
            try (SmallImageClassifier builtIn = SmallImageClassifier.builtIn()) {
                runtime.apply(builtIn);
                System.err.println("piip: note: the built-in model knows Fashion-MNIST's 10 clothing classes only; "
                        + "give --config and --weights (e.g. a zoo name after piip fetch) for an ImageNet model");
                return print(img -> builtIn.classify(img, Math.min(top, builtIn.classes().size()), inv));
            }
        }
        try (PiipModel model = PiipModel.load(Inputs.config(config), Inputs.weights(weights, checkpoint), true,
                checkpoint.options())) {
            runtime.apply(model);
            ImageClassifier classifier = model.newClassifier();
            return print(img -> classifier.classify(img, top));
        }
    }

    /**
     * Prints each image's top classes, as text or (with --json) one JSON array at the end. An image
     * that cannot be read is reported on its own line (an {@code error} entry in JSON) and the rest
     * go on; the exit code is 1 if any failed.
     */
    private int print(Function<BufferedImage, List<Classification>> classify) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode results = mapper.createArrayNode();
        int failed = 0;
        for (Path image : images) {
            List<Classification> best;
            try {
                best = classify.apply(ImageNetTransform.read(image));
            } catch (ImageReadException e) {
                failed++;
                System.err.println("piip: " + e.getMessage());
                if (json) {
                    results.addObject().put("image", image.toString()).put("error", e.getMessage());
                }
                continue;
            }
            if (json) {
                ObjectNode r = results.addObject();
                r.put("image", image.toString());
                ArrayNode arr = r.putArray("top");
                for (Classification c : best) {
                    arr.addObject().put("index", c.index()).put("label", c.label()).put("probability", c.probability());
                }
            } else {
                System.out.println(image);
                for (Classification c : best) {
                    System.out.printf(Locale.ROOT, "  %6.2f%%  %s (%d)%n", 100 * c.probability(), c.label(), c.index());
                }
            }
        }
        if (json) {
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        }
        if (failed > 0) {
            System.err.println("piip: " + failed + " of " + images.size() + " images could not be read");
        }
        return failed > 0 ? 1 : 0;
    }
}
