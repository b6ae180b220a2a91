package io.piip4j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.JsonPath;
import io.piip4j.config.JsonSyntax;
import io.piip4j.config.PiipConfig;
import io.piip4j.data.Augment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A training recipe (JSON): the model (a PIIP classification config, or a single-branch ViT
 * baseline described by one branch's fields), the data, the input normalisation, augmentation and
 * optimisation settings. Unknown keys are errors, named with their path. Relative data paths are
 * resolved against the recipe's folder.
 */
public record Recipe(
        String name,
        String modelType,
        JsonNode modelConfig,
        Data data,
        double[] mean,
        double[] std,
        Augment augment,
        int epochs,
        int batchSize,
        int evalBatchSize,
        double lr,
        double minLr,
        double warmupLr,
        double warmupEpochs,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        double layerDecay,
        double labelSmoothing,
        double clipGrad,
        long seed,
        int trainLimit,
        int testLimit,
        String json) {

    /** Where the images are: an MNIST-format IDX quadruple, or train/test image folders. */
    public record Data(String format, Path trainImages, Path trainLabels, Path testImages, Path testLabels,
            List<String> classes, Path trainFolder, Path testFolder, int channels, int size) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("name", "model", "data", "input", "augment", "optim", "epochs",
            "batch_size", "eval_batch_size", "seed", "train_limit", "test_limit", "comment");
    private static final Set<String> OPTIM = Set.of("lr", "min_lr", "warmup_lr", "warmup_epochs", "weight_decay",
            "betas", "eps", "layer_decay", "label_smoothing", "clip_grad");

    public static Recipe read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            Path base = file.toAbsolutePath().getParent();
            return parse(JSON.readTree(text), base);
        } catch (JsonProcessingException e) {
            throw new ConfigException(JsonSyntax.message(file, e));
        } catch (ConfigException e) {
            throw new ConfigException(file.getFileName() + ": " + e.getMessage());
        }
    }

    public static Recipe parse(JsonNode root, Path base) {
        if (root == null || !root.isObject()) {
            throw new ConfigException("expected a JSON object");
        }
        JsonPath doc = JsonPath.object(root, "");
        doc.allowOnly(TOP);
        JsonPath model = doc.object("model");
        model.allowOnly(Set.of("type", "config"));
        String type = model.string("type", null);
        if (!type.equals("piip") && !type.equals("vit")) {
            throw model.error("type", "expected \"piip\" or \"vit\", got \"" + type + "\"");
        }
        JsonNode cfg = doc.object("model").object("config").node();
        Recipe.Data data = data(doc.object("data"), base);
        JsonPath input = doc.optionalObject("input");
        input.allowOnly(Set.of("mean", "std"));
        double[] mean = input.numbers("mean", new double[] {0.0});
        double[] std = input.numbers("std", new double[] {1.0});
        if (mean.length != data.channels() || std.length != data.channels()) {
            throw new ConfigException("input.mean/std: need one value per data channel (" + data.channels() + ")");
        }
        JsonPath aug = doc.optionalObject("augment");
        aug.allowOnly(Set.of("crop_padding", "hflip"));
        Augment augment = new Augment(aug.nonNegativeInt("crop_padding", 0), aug.bool("hflip", false));
        JsonPath o = doc.optionalObject("optim");
        o.allowOnly(OPTIM);
        double[] betas = o.numbers("betas", new double[] {0.9, 0.999});
        if (betas.length != 2) {
            throw o.error("betas", "expected two numbers");
        }
        Recipe r = new Recipe(doc.string("name", "run"), type, cfg, data, mean, std, augment,
                doc.positive("epochs", 10), doc.positive("batch_size", 128), doc.positive("eval_batch_size", 500),
                o.nonNegative("lr", 1e-3), o.nonNegative("min_lr", 1e-5), o.nonNegative("warmup_lr", 1e-6),
                o.nonNegative("warmup_epochs", 1.0), o.nonNegative("weight_decay", 0.05),
                betas[0], betas[1], o.nonNegative("eps", 1e-8), o.nonNegative("layer_decay", 1.0),
                o.nonNegative("label_smoothing", 0.1), o.nonNegative("clip_grad", 0.0),
                root.has("seed") ? root.get("seed").asLong() : 0, doc.nonNegativeInt("train_limit", 0),
                doc.nonNegativeInt("test_limit", 0), root.toString());
        r.buildConfig(); // validates the model part now, with its key paths
        return r;
    }

    /** The model this recipe trains, with unallocated weights. */
    public TrainableClassifier buildModel() {
        return model(modelType, modelConfig);
    }

    /** A model from a recipe's {@code model} section: {@code type} "piip" or "vit" and its {@code config}. */
    public static TrainableClassifier model(String type, JsonNode config) {
        Object c = buildConfig(type, config);
        return c instanceof PiipConfig p ? new PiipTrainable(p) : new VitClassifier((BranchConfig) c);
    }

    private Object buildConfig() {
        return buildConfig(modelType, modelConfig);
    }

    private static Object buildConfig(String modelType, JsonNode modelConfig) {
        if (!modelType.equals("piip")) {
            return ConfigReader.parseStandaloneBranch(modelConfig, "model.config");
        }
        try {
            PiipConfig p = ConfigReader.parse(modelConfig);
            if (p.task() != PiipConfig.Task.CLASSIFICATION) {
                throw new ConfigException("a dense-prediction config cannot be trained as a classifier");
            }
            return p;
        } catch (ConfigException e) {
            throw new ConfigException("model.config." + e.getMessage());
        }
    }

    private static Data data(JsonPath d, Path base) {
        String format = d.string("format", null);
        if (format.equals("idx")) {
            d.allowOnly(Set.of("format", "train_images", "train_labels", "test_images", "test_labels", "classes"));
            List<String> classes = d.strings("classes");
            return new Data(format, path(d, "train_images", base), path(d, "train_labels", base), path(d, "test_images", base),
                    path(d, "test_labels", base), List.copyOf(classes), null, null, 1, 0);
        }
        if (format.equals("folder")) {
            d.allowOnly(Set.of("format", "train", "test", "channels", "size"));
            int channels = d.integer("channels", 3);
            if (channels != 1 && channels != 3) {
                throw d.error("channels", "expected 1 or 3, got " + channels);
            }
            return new Data(format, null, null, null, null, null, path(d, "train", base), path(d, "test", base), channels,
                    d.positive("size", 28));
        }
        throw d.error("format", "expected \"idx\" or \"folder\", got \"" + format + "\"");
    }

    private static Path path(JsonPath d, String key, Path base) {
        Path p = Path.of(d.string(key, null));
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }

    /** The same recipe with its data files taken from another folder (same file names). */
    public Recipe withDataDir(Path dir) {
        Data d = data;
        Data moved = d.format().equals("idx")
                ? new Data(d.format(), dir.resolve(d.trainImages().getFileName()), dir.resolve(d.trainLabels().getFileName()),
                        dir.resolve(d.testImages().getFileName()), dir.resolve(d.testLabels().getFileName()), d.classes(), null, null,
                        d.channels(), d.size())
                : new Data(d.format(), null, null, null, null, null, dir.resolve("train"), dir.resolve("test"), d.channels(), d.size());
        return new Recipe(name, modelType, modelConfig, moved, mean, std, augment, epochs, batchSize, evalBatchSize, lr, minLr,
                warmupLr, warmupEpochs, weightDecay, beta1, beta2, eps, layerDecay, labelSmoothing, clipGrad, seed, trainLimit,
                testLimit, json);
    }

    /** The same recipe with command-line overrides (null keeps the recipe's value). */
    public Recipe with(Integer epochs, Integer batchSize, Long seed, Integer trainLimit, Integer testLimit) {
        return new Recipe(name, modelType, modelConfig, data, mean, std, augment, epochs != null ? epochs : this.epochs,
                batchSize != null ? batchSize : this.batchSize, evalBatchSize, lr, minLr, warmupLr, warmupEpochs, weightDecay,
                beta1, beta2, eps, layerDecay, labelSmoothing, clipGrad, seed != null ? seed : this.seed,
                trainLimit != null ? trainLimit : this.trainLimit, testLimit != null ? testLimit : this.testLimit, json);
    }
}
