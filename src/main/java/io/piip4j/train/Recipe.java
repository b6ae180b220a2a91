package io.piip4j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.JsonSyntax;
import io.piip4j.config.PiipConfig;
import io.piip4j.data.Augment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
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
        reject(root, TOP, "");
        JsonNode model = require(root, "model", "");
        reject(model, Set.of("type", "config"), "model.");
        String type = text(model, "type", "model.", null);
        if (!type.equals("piip") && !type.equals("vit")) {
            throw new ConfigException("model.type: expected \"piip\" or \"vit\", got \"" + type + "\"");
        }
        JsonNode cfg = require(model, "config", "model.");
        Recipe.Data data = data(require(root, "data", ""), base);
        JsonNode input = root.path("input");
        reject(input, Set.of("mean", "std"), "input.");
        double[] mean = numbers(input, "mean", "input.", new double[] {0.0});
        double[] std = numbers(input, "std", "input.", new double[] {1.0});
        if (mean.length != data.channels() || std.length != data.channels()) {
            throw new ConfigException("input.mean/std: need one value per data channel (" + data.channels() + ")");
        }
        JsonNode aug = root.path("augment");
        reject(aug, Set.of("crop_padding", "hflip"), "augment.");
        Augment augment = new Augment(integer(aug, "crop_padding", "augment.", 0), bool(aug, "hflip", "augment.", false));
        JsonNode o = root.path("optim");
        reject(o, OPTIM, "optim.");
        double[] betas = numbers(o, "betas", "optim.", new double[] {0.9, 0.999});
        if (betas.length != 2) {
            throw new ConfigException("optim.betas: expected two numbers");
        }
        Recipe r = new Recipe(text(root, "name", "", "run"), type, cfg, data, mean, std, augment,
                positive(root, "epochs", "", 10), positive(root, "batch_size", "", 128), positive(root, "eval_batch_size", "", 500),
                number(o, "lr", "optim.", 1e-3), number(o, "min_lr", "optim.", 1e-5), number(o, "warmup_lr", "optim.", 1e-6),
                number(o, "warmup_epochs", "optim.", 1.0), number(o, "weight_decay", "optim.", 0.05),
                betas[0], betas[1], number(o, "eps", "optim.", 1e-8), number(o, "layer_decay", "optim.", 1.0),
                number(o, "label_smoothing", "optim.", 0.1), number(o, "clip_grad", "optim.", 0.0),
                root.has("seed") ? root.get("seed").asLong() : 0, integer(root, "train_limit", "", 0),
                integer(root, "test_limit", "", 0), root.toString());
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
        try {
            if (modelType.equals("piip")) {
                PiipConfig p = ConfigReader.parse(modelConfig);
                if (p.task() != PiipConfig.Task.CLASSIFICATION) {
                    throw new ConfigException("a dense-prediction config cannot be trained as a classifier");
                }
                return p;
            }
            return vitBranch(modelConfig);
        } catch (ConfigException e) {
            throw new ConfigException("model.config." + e.getMessage());
        }
    }

    /**
     * One branch's fields read by the same config reader as PIIP branches (so defaults and
     * validation are shared): a two-branch classification config is assembled around it and
     * its first branch taken.
     */
    static BranchConfig vitBranch(JsonNode branch) {
        if (!branch.isObject()) {
            throw new ConfigException("expected the branch's fields as an object");
        }
        ObjectNode b = branch.deepCopy();
        if (!b.has("interaction_indexes")) {
            int depth = b.path("depth").asInt(12);
            b.putArray("interaction_indexes").addArray().add(0).add(Math.max(0, depth - 1));
        }
        ObjectNode pair = JSON.createObjectNode();
        pair.put("separate_head", true);
        pair.put("interact_attn_type", "normal");
        pair.put("deform_num_heads", 1);
        pair.set("branch1", b);
        pair.set("branch2", b);
        return ConfigReader.parse(pair).branches().get(0);
    }

    private static Data data(JsonNode d, Path base) {
        String format = text(d, "format", "data.", null);
        if (format.equals("idx")) {
            reject(d, Set.of("format", "train_images", "train_labels", "test_images", "test_labels", "classes"), "data.");
            JsonNode cls = require(d, "classes", "data.");
            if (!cls.isArray() || cls.isEmpty()) {
                throw new ConfigException("data.classes: expected a non-empty list of class names");
            }
            List<String> classes = new ArrayList<>();
            cls.forEach(n -> classes.add(n.asText()));
            return new Data(format, path(d, "train_images", base), path(d, "train_labels", base), path(d, "test_images", base),
                    path(d, "test_labels", base), List.copyOf(classes), null, null, 1, 0);
        }
        if (format.equals("folder")) {
            reject(d, Set.of("format", "train", "test", "channels", "size"), "data.");
            int channels = integer(d, "channels", "data.", 3);
            if (channels != 1 && channels != 3) {
                throw new ConfigException("data.channels: expected 1 or 3, got " + channels);
            }
            return new Data(format, null, null, null, null, null, path(d, "train", base), path(d, "test", base), channels,
                    positive(d, "size", "data.", 28));
        }
        throw new ConfigException("data.format: expected \"idx\" or \"folder\", got \"" + format + "\"");
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

    // ---- small JSON helpers: every error names the key path

    private static void reject(JsonNode n, Set<String> allowed, String at) {
        if (n.isMissingNode()) {
            return;
        }
        if (!n.isObject()) {
            throw new ConfigException(at.isEmpty() ? "expected an object" : at.substring(0, at.length() - 1) + ": expected an object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new ConfigException(at + k + ": unknown key (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static JsonNode require(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new ConfigException(at + key + ": missing");
        }
        return v;
    }

    private static String text(JsonNode n, String key, String at, String def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw new ConfigException(at + key + ": missing");
            }
            return def;
        }
        if (!v.isTextual()) {
            throw new ConfigException(at + key + ": expected a string, got " + v);
        }
        return v.asText();
    }

    private static Path path(JsonNode n, String key, Path base) {
        Path p = Path.of(text(n, key, "data.", null));
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }

    private static double number(JsonNode n, String key, String at, double def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber()) {
            throw new ConfigException(at + key + ": expected a number, got " + v);
        }
        double d = v.asDouble();
        if (d < 0 || Double.isNaN(d)) {
            throw new ConfigException(at + key + ": must not be negative, got " + d);
        }
        return d;
    }

    private static int integer(JsonNode n, String key, String at, int def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new ConfigException(at + key + ": expected a non-negative integer, got " + v);
        }
        return v.asInt();
    }

    private static int positive(JsonNode n, String key, String at, int def) {
        int v = integer(n, key, at, def);
        if (v <= 0) {
            throw new ConfigException(at + key + ": expected a positive integer, got " + v);
        }
        return v;
    }

    private static boolean bool(JsonNode n, String key, String at, boolean def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(at + key + ": expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static double[] numbers(JsonNode n, String key, String at, double[] def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isArray()) {
            throw new ConfigException(at + key + ": expected a list of numbers, got " + v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw new ConfigException(at + key + "[" + i + "]: expected a number, got " + v.get(i));
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }
}
