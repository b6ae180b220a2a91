package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Checkpoints;
import io.piip4j.weights.ResourceCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/** The detector kinds a config can describe, loading the one it does, and the detector shipped in the jar. */
public final class DetectionModels {
    /** The built-in detector's resources: {@code BUILT_IN + ".json"} (config with its classes) and {@code ".pth"}. */
    private static final String BUILT_IN = "/io/piip4j/default/shapes-maskrcnn";

    private DetectionModels() {
    }

    /**
     * The detector shipped with piip4j, the default of {@code piip detect} and {@code piip eval --ann}: a
     * small three-branch PIIP Mask R-CNN ({@code recipes/shapes/piip-maskrcnn-tiny.json}) trained on the
     * {@code piip make-shapes} set, labelling discs, squares, triangles and rings. Close it to free its weights.
     *
     * <pre>{@code
     * try (DetectionModel model = DetectionModels.builtIn()) {
     *     for (Detection d : model.newDetector().detect(Path.of("examples/shapes-2024-8.png"))) {
     *         System.out.println(d.className() + " " + d.score());
     *     }
     * }
     * }</pre>
     */
    public static MaskRcnn builtIn() {
        try (InputStream js = DetectionModels.class.getResourceAsStream(BUILT_IN + ".json");
                InputStream w = DetectionModels.class.getResourceAsStream(BUILT_IN + ".pth")) {
            if (js == null || w == null) {
                throw new ConfigException("the built-in shapes detector is not in this build (resources " + BUILT_IN + ".json/.pth)");
            }
            JsonNode root = new ObjectMapper().readTree(js);
            Map<String, NdArray> stateDict = ResourceCheckpoint.read(w, "piip-shapes-maskrcnn", Checkpoints::readStateDict);
            return MaskRcnn.load(root, "shapes-maskrcnn.json", stateDict, "shapes-maskrcnn.pth");
        } catch (IOException e) {
            throw new ConfigException("cannot read the built-in shapes detector (" + e.getMessage() + ")", e);
        }
    }

    /** Whether the config (case.json or released config) describes a detector this library runs. */
    public static boolean describes(JsonNode root) {
        return MaskRcnnConfig.describes(root) || DinoConfig.describes(root);
    }

    /** The kinds, for messages. */
    public static String kinds() {
        return "Mask R-CNN (model.type MaskRCNN) or DINO (model.type DINO)";
    }

    /** Whether the state dict holds the heads of the detector the config describes, not just a backbone. */
    public static boolean isWholeModel(JsonNode root, Map<String, NdArray> stateDict) {
        return DinoConfig.describes(root) ? Dino.isWholeModel(stateDict) : MaskRcnn.isWholeModel(stateDict);
    }

    /** The head keys a whole checkpoint of that detector has, for messages. */
    public static String headKeys(JsonNode root) {
        return DinoConfig.describes(root) ? "bbox_head.*" : "roi_head.*";
    }

    /** Builds the detector a config file describes and loads the whole-model state dict strictly. */
    public static DetectionModel load(Path configFile, Map<String, NdArray> stateDict, String source) {
        JsonNode root = MaskRcnnConfig.tree(configFile);
        return DinoConfig.describes(root) ? Dino.load(configFile, stateDict, source) : MaskRcnn.load(configFile, stateDict, source);
    }

    /** As {@link #load(Path, Map, String)} from a parsed config; {@code name} names it in errors. */
    public static DetectionModel load(JsonNode root, String name, Map<String, NdArray> stateDict, String source) {
        return DinoConfig.describes(root) ? Dino.load(root, name, stateDict, source) : MaskRcnn.load(root, name, stateDict, source);
    }
}
