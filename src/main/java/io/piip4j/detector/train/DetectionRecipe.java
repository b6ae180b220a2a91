package io.piip4j.detector.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonPath;
import io.piip4j.config.JsonSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A detector training recipe (JSON, {@code "task": "detection"}): the model's mmdetection config
 * (a file beside the recipe), COCO-format training and validation folders, the flip probability,
 * and the optimisation settings (AdamW, linear warm-up, cosine decay, gradient clipping).
 * Relative paths are resolved against the recipe's folder; errors name the key path.
 */
public record DetectionRecipe(String name, Path modelConfig, Path trainAnnotations, Path trainImages, Path valAnnotations,
        Path valImages, double flip, int epochs, int batchSize, double lr, double minLr, double warmupLr, double warmupEpochs,
        double weightDecay, double beta1, double beta2, double eps, double clipGrad, long seed, int trainLimit, int valLimit) {

    private static final Set<String> TOP = Set.of("name", "task", "model", "data", "augment", "optim", "epochs", "batch_size",
            "seed", "train_limit", "val_limit", "comment");

    /** Whether a recipe file describes detector training (else it is a classifier's). */
    public static boolean describes(JsonNode root) {
        return root != null && root.isObject() && root.path("task").asText("").equals("detection");
    }

    public static DetectionRecipe read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return parse(new ObjectMapper().readTree(text), file.toAbsolutePath().getParent());
        } catch (JsonProcessingException e) {
            throw new ConfigException(JsonSyntax.message(file, e));
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
        JsonPath o = doc.optionalObject("optim");
        o.allowOnly(Set.of("lr", "min_lr", "warmup_lr", "warmup_epochs", "weight_decay", "betas", "eps", "clip_grad"));
        double[] betas = o.numbers("betas", new double[] {0.9, 0.999});
        if (betas.length != 2) {
            throw o.error("betas", "expected two numbers");
        }
        return new DetectionRecipe(doc.string("name", "detector"), path(doc, "model", base), path(train, "annotations", base),
                path(train, "images", base), val.has("annotations") ? path(val, "annotations", base) : null,
                val.has("images") ? path(val, "images", base) : null, flip, doc.positive("epochs", 12), doc.positive("batch_size", 2),
                o.nonNegative("lr", 1e-4), o.nonNegative("min_lr", 1e-6), o.nonNegative("warmup_lr", 1e-6),
                o.nonNegative("warmup_epochs", 0.5), o.nonNegative("weight_decay", 0.05), betas[0], betas[1],
                o.nonNegative("eps", 1e-8), o.nonNegative("clip_grad", 0.0), root.has("seed") ? root.get("seed").asLong() : 0,
                doc.nonNegativeInt("train_limit", 0), doc.nonNegativeInt("val_limit", 0));
    }

    private static Path path(JsonPath at, String key, Path base) {
        Path p = Path.of(at.string(key, null));
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }

    /** The same recipe with command-line overrides (null keeps the recipe's value). */
    public DetectionRecipe with(Integer epochs, Integer batchSize, Long seed, Integer trainLimit, Integer valLimit) {
        return new DetectionRecipe(name, modelConfig, trainAnnotations, trainImages, valAnnotations, valImages, flip,
                epochs != null ? epochs : this.epochs, batchSize != null ? batchSize : this.batchSize, lr, minLr, warmupLr, warmupEpochs,
                weightDecay, beta1, beta2, eps, clipGrad, seed != null ? seed : this.seed, trainLimit != null ? trainLimit : this.trainLimit,
                valLimit != null ? valLimit : this.valLimit);
    }
}
