package io.piip4j.segmentor.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonPath;
import io.piip4j.config.JsonSyntax;
import io.piip4j.train.TrainSchedule;
import java.nio.file.Path;
import java.util.Set;

/**
 * A segmentor training recipe (JSON, {@code "task": "segmentation"}): the model's mmsegmentation
 * config (a file beside the recipe), ADE20K-format training and validation folders (images and
 * single-channel label maps of the same names), whether labels are ADE20K's
 * ({@code reduce_zero_label}: 0 is "other" and ignored), the released training augmentations
 * ({@link SegmentationTrainTransform}) and the optimisation settings ({@link TrainSchedule}).
 * Relative paths are resolved against the recipe's folder; errors name the key path.
 */
public record SegmentationRecipe(String name, Path modelConfig, Path trainImages, Path trainLabels, Path valImages, Path valLabels,
        boolean reduceZeroLabel, SegmentationTrainTransform.Settings augment, TrainSchedule schedule) {

    private static final Set<String> TOP = TrainSchedule.withKeys("name", "task", "model", "data", "augment", "comment");

    /** Whether a recipe file describes segmentor training. */
    public static boolean describes(JsonNode root) {
        return root != null && root.isObject() && root.path("task").asText("").equals("segmentation");
    }

    public static SegmentationRecipe read(Path file) {
        JsonNode root = JsonSyntax.readFile(file);
        try {
            return parse(root, file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw new ConfigException(file.getFileName() + ": " + e.getMessage());
        }
    }

    public static SegmentationRecipe parse(JsonNode root, Path base) {
        JsonPath doc = JsonPath.object(root, "");
        doc.allowOnly(TOP);
        doc.oneOf("task", null, Set.of("segmentation"));
        JsonPath data = doc.object("data");
        data.allowOnly(Set.of("train", "val", "reduce_zero_label"));
        JsonPath train = data.object("train");
        train.allowOnly(Set.of("images", "labels"));
        JsonPath val = data.optionalObject("val");
        val.allowOnly(Set.of("images", "labels"));
        if (val.has("images") != val.has("labels")) {
            throw val.error(val.has("images") ? "labels" : "images", "missing (validation needs both images and labels)");
        }
        return new SegmentationRecipe(doc.string("name", "segmentor"), path(doc, "model", base), path(train, "images", base),
                path(train, "labels", base), val.has("images") ? path(val, "images", base) : null,
                val.has("labels") ? path(val, "labels", base) : null, data.bool("reduce_zero_label", false),
                SegmentationTrainTransform.Settings.read(doc.optionalObject("augment")), TrainSchedule.read(doc, 6e-5, 12));
    }

    private static Path path(JsonPath at, String key, Path base) {
        Path p = Path.of(at.string(key, null));
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }

    /** The same recipe with command-line overrides (null keeps the recipe's value). */
    public SegmentationRecipe with(Integer epochs, Integer batchSize, Long seed, Integer trainLimit, Integer valLimit) {
        return new SegmentationRecipe(name, modelConfig, trainImages, trainLabels, valImages, valLabels, reduceZeroLabel, augment,
                schedule.with(epochs, batchSize, seed, trainLimit, valLimit));
    }
}
