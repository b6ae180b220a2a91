package io.piip4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.JsonSyntax;
import io.piip4j.config.PiipConfig;
import io.piip4j.detector.DetectionModel;
import io.piip4j.detector.DetectionModels;
import io.piip4j.segmentor.UperNet;
import io.piip4j.segmentor.UperNetConfig;
import io.piip4j.weights.Checkpoints;
import io.piip4j.zoo.Zoo;
import io.piip4j.zoo.ZooModel;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import io.piip4j.weights.CheckpointException;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reading what the commands take: configs and input tensors. */
final class Inputs {
    private Inputs() {
    }

    /** A config file, or the name of a zoo model ({@code piip zoo} lists them). */
    static PiipConfig config(String spec) {
        ConfigSource src = source(spec);
        return src.zoo() != null ? src.zoo().config() : ConfigReader.read(src.file());
    }

    /**
     * What a {@code --config} value names: an existing file wins over a zoo name; neither fails
     * with the closest zoo names.
     */
    static ConfigSource source(String spec) {
        Path p = Path.of(spec);
        if (Files.isRegularFile(p)) {
            return new ConfigSource(spec, p, null, readJson(p), p.getFileName().toString().replaceFirst("\\.json$", ""));
        }
        Optional<ZooModel> z = Zoo.find(spec);
        if (z.isPresent()) {
            return new ConfigSource(spec, null, z.get(), z.get().configJson(), z.get().configName());
        }
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException(spec + ": is a folder, not a config file");
        }
        List<String> near = Zoo.closest(spec, 3);
        throw new IllegalArgumentException(spec + ": no such config file or zoo model"
                + (near.isEmpty() ? "" : " (did you mean " + String.join(", ", near) + "?)") + "; 'piip zoo' lists the models");
    }

    private static JsonNode readJson(Path p) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(p));
            if (root == null || !root.isObject()) {
                throw new ConfigException(p + ": expected a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(JsonSyntax.message(p, e));
        } catch (IOException e) {
            throw new ConfigException(p + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * The checkpoint {@code --weights} names: a file, or a zoo model's name — its official checkpoint
     * from the cache, downloaded first where {@code --download} (or PIIP4J_DOWNLOAD=1) allows it.
     */
    static Path weights(Path spec, CheckpointOptions options) {
        if (Files.isRegularFile(spec)) {
            return spec;
        }
        String name = spec.toString();
        if (io.piip4j.zoo.Zoo.find(name).isPresent()) {
            return io.piip4j.hub.Hub.resolve(name, options.download, System.err);
        }
        throw new IllegalArgumentException(spec + ": no such weights file (nor a zoo model name: 'piip zoo' lists them)");
    }

    /**
     * The whole detector a {@code --config} / {@code --weights} pair names (a zoo name, a released
     * config or a golden case.json of a Mask R-CNN or a DINO; a whole-detector checkpoint), refused
     * in one line where the config is no such detector or the checkpoint holds no detector heads.
     *
     * Neither given: the built-in shapes detector ({@link DetectionModels#builtIn()}); one without the other is refused.
     *
     * @param command the command, for the messages ("piip detect")
     */
    static DetectionModel detector(String config, Path weights, CheckpointOptions checkpoint, String command) {
        checkDetectorPair(config, weights);
        if (config == null) {
            return DetectionModels.builtIn();
        }
        ConfigSource source = source(config);
        if (!DetectionModels.describes(source.json())) {
            throw new IllegalArgumentException(config + ": not a Mask R-CNN config nor a DINO config (model.type MaskRCNN or DINO); "
                    + command + " runs those detectors");
        }
        Path weightsFile = weights(weights, checkpoint);
        Map<String, NdArray> stateDict = Checkpoints.readStateDict(weightsFile, checkpoint.options());
        String weightsName = weightsFile.getFileName().toString();
        if (!DetectionModels.isWholeModel(source.json(), stateDict)) {
            throw new IllegalArgumentException(weightsName + ": holds no detector heads (no " + DetectionModels.headKeys(source.json())
                    + " keys); " + command + " needs a whole-detector checkpoint");
        }
        return source.file() != null ? DetectionModels.load(source.file(), stateDict, weightsName)
                : DetectionModels.load(source.json(), source.name(), stateDict, weightsName);
    }

    /** Refuses a detector's {@code --config} without {@code --weights} or the reverse (neither: the built-in detector). */
    static void checkDetectorPair(String config, Path weights) {
        if ((config == null) != (weights == null)) {
            throw new UsageException((config == null ? "--weights needs --config" : "--config needs --weights")
                    + " (a detector's config and its whole checkpoint); give neither for the built-in shapes detector");
        }
    }

    /**
     * The whole UperNet segmentor a {@code --config} / {@code --weights} pair names (a zoo name, a
     * released config or a golden case.json; a whole-segmentor checkpoint), refused in one line where
     * the config is not a UperNet or the checkpoint holds no decode head.
     */
    static UperNet uperNet(String config, Path weights, CheckpointOptions checkpoint, String command) {
        ConfigSource source = source(config);
        if (!UperNetConfig.describes(source.json())) {
            throw new IllegalArgumentException(config + ": not a UperNet segmentation config (model.type EncoderDecoder with a UPerHead); "
                    + command + " runs UperNet segmentors");
        }
        Path weightsFile = weights(weights, checkpoint);
        Map<String, NdArray> stateDict = Checkpoints.readStateDict(weightsFile, checkpoint.options());
        String weightsName = weightsFile.getFileName().toString();
        if (!UperNet.isWholeModel(stateDict)) {
            throw new IllegalArgumentException(weightsName + ": holds no segmentation heads (no decode_head.* keys); " + command
                    + " needs a whole UperNet checkpoint");
        }
        return UperNet.load(source.json(), source.file() != null ? source.file().getFileName().toString() : source.name(), stateDict,
                weightsName);
    }

    static Path existing(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(p + ": no such " + what);
        }
        return p;
    }

    /** A tensor from a .npy, or from a .pth holding a tensor or a dict with key "input". */
    static NdArray tensor(Path file, PthReader.Options options) {
        existing(file, "input file");
        String name = file.getFileName().toString();
        if (name.endsWith(".npy")) {
            return Npy.read(file);
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.matches(".*\\.(jpe?g|png|bmp|gif|webp|tiff?)$")) {
            throw new UsageException(name + ": an image; --input takes a tensor (.npy, or .pth holding one or {'input': tensor}); "
                    + "to run a model on images use piip classify or piip detect");
        }
        Object o = PthReader.read(file, options);
        if (o instanceof NdArray a) {
            return a;
        }
        if (o instanceof Map<?, ?> m && m.get("input") instanceof NdArray a) {
            return a;
        }
        throw new CheckpointException(name + ": expected a tensor or a dict with key 'input'");
    }
}
