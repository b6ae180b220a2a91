package io.piip4j.detector.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonPath;
import io.piip4j.config.JsonSyntax;
import io.piip4j.train.TrainSchedule;
import java.nio.file.Path;
import java.util.Set;

/**
 * A detector training recipe (JSON, {@code "task": "detection"}): the model's mmdetection config
 * (a file beside the recipe), COCO-format training and validation folders, the flip probability,
 * and the optimisation settings ({@link TrainSchedule}).
 * Relative paths are resolved against the recipe's folder; errors name the key path.
 */
public record DetectionRecipe(String name, Path modelConfig, Path trainAnnotations, Path trainImages, Path valAnnotations,
        Path valImages, double flip, TrainSchedule schedule) {

    private static final Set<String> TOP = TrainSchedule.withKeys("name", "task", "model", "data", "augment", "comment");

    /** Whether a recipe file describes detector training (else it is a classifier's). */
    public static boolean describes(JsonNode root) {
        return root != null && root.isObject() && root.path("task").asText("").equals("detection");
    }

    public static DetectionRecipe read(Path file) {
        JsonNode root = JsonSyntax.readFile(file);
        try {
            return parse(root, file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw new ConfigException(file.getFileName() + ": " + e.getMessage());
        }
    }

    public static DetectionRecipe parse(JsonNode root, Path base) {
        JsonPath doc = JsonPath.object(root, "");
        doc.allowOnly(TOP);
        doc.oneOf("task", null, Set.of("detection"));
        JsonPath data = doc.object("data");
        data.allowOnly(Set.of("train", "val"));
        JsonPath train = data.object("train");
        train.allowOnly(Set.of("annotations", "images"));
        JsonPath val = data.optionalObject("val");
        val.allowOnly(Set.of("annotations", "images"));
        JsonPath aug = doc.optionalObject("augment");
        aug.allowOnly(Set.of("flip"));
        double flip = aug.nonNegative("flip", 0.5);
        if (flip > 1) {
            throw aug.error("flip", "expected a probability in [0, 1], got " + flip);
        }
        return new DetectionRecipe(doc.string("name", "detector"), path(doc, "model", base), path(train, "annotations", base),
                path(train, "images", base), val.has("annotations") ? path(val, "annotations", base) : null,
                val.has("images") ? path(val, "images", base) : null, flip, TrainSchedule.read(doc, 1e-4, 12));
    }

    private static Path path(JsonPath at, String key, Path base) {
        Path p = Path.of(at.string(key, null));
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }

    /** The same recipe with command-line overrides (null keeps the recipe's value). */
    public DetectionRecipe with(Integer epochs, Integer batchSize, Long seed, Integer trainLimit, Integer valLimit) {
        return new DetectionRecipe(name, modelConfig, trainAnnotations, trainImages, valAnnotations, valImages, flip,
                schedule.with(epochs, batchSize, seed, trainLimit, valLimit));
    }
}
