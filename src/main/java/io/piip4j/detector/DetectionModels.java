package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.tensor.NdArray;
import java.nio.file.Path;
import java.util.Map;

/** The detector kinds a config can describe, and loading the one it does. */
public final class DetectionModels {
    private DetectionModels() {
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
