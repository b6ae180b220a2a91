package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.predict.Classification;
import io.piip4j.predict.ImageClassifier;
import io.piip4j.predict.PiipModel;
import io.piip4j.predict.image.ImageNetTransform;
import io.piip4j.tensor.Inference;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip classify}: ImageNet-style top-k classification of image files. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify images (JPEG, PNG, BMP, GIF) with a PIIP classification model.")
final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Classification config (JSON).")
    String config;

    @Option(names = "--weights", required = true, description = "Checkpoint: PyTorch (.pth) or .safetensors.")
    Path weights;

    @Option(names = "--top", defaultValue = "5", description = "How many classes to list (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Option(names = "--threads", description = "Engine threads (default: all cores).")
    Integer threads;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        if (threads != null) {
            Inference.setThreads(threads);
        }
        // read every image first: a bad file fails before any output
        Map<Path, BufferedImage> decoded = new LinkedHashMap<>();
        for (Path p : images) {
            decoded.put(p, ImageNetTransform.read(p));
        }
        try (PiipModel model = PiipModel.load(Inputs.config(config), Inputs.existing(weights, "weights file"), true,
                checkpoint.options())) {
            ImageClassifier classifier = model.newClassifier();
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode results = mapper.createArrayNode();
            for (Map.Entry<Path, BufferedImage> e : decoded.entrySet()) {
                List<Classification> top5 = classifier.classify(e.getValue(), top);
                if (json) {
                    ObjectNode r = results.addObject();
                    r.put("image", e.getKey().toString());
                    ArrayNode arr = r.putArray("top");
                    for (Classification c : top5) {
                        arr.addObject().put("index", c.index()).put("label", c.label()).put("probability", c.probability());
                    }
                } else {
                    System.out.println(e.getKey());
                    for (Classification c : top5) {
                        System.out.printf(Locale.ROOT, "  %6.2f%%  %s (%d)%n", 100 * c.probability(), c.label(), c.index());
                    }
                }
            }
            if (json) {
                System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(results));
            }
        }
        return 0;
    }
}
