package io.piip4j.predict;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector's or segmentor's class names from its config, by label index: its top-level
 * {@code classes} list where it has one (mmdetection / mmsegmentation 2.x configs of a custom
 * dataset set {@code classes = (...)} beside {@code model}; in a golden case.json it sits under
 * {@code config}), else the task's defaults ({@link Labels#detection}, {@link Labels#segmentation}).
 */
public final class ConfigClasses {
    /** The config key. */
    public static final String KEY = "classes";

    private ConfigClasses() {
    }

    /** Whether the config names its classes. */
    public static boolean given(JsonNode root) {
        JsonNode v = node(root);
        return v != null && !v.isNull();
    }

    /**
     * The class names for a head of {@code numClasses} classes ({@code numClassesKey} names that head's
     * key in errors); a {@code classes} list that is not strings, or of another length, fails in one
     * line naming the file and the key.
     */
    public static List<String> read(JsonNode root, String name, int numClasses, String numClassesKey, List<String> defaults) {
        if (!given(root)) {
            return defaults;
        }
        String key = name + ": " + (root.has("config") ? "config." : "") + KEY;
        JsonNode v = node(root);
        if (!v.isArray()) {
            throw new ConfigException(key + ": expected a list of class names, got " + v);
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual() || e.asText().isBlank()) {
                throw new ConfigException(key + "[" + i + "]: expected a class name (a non-empty string), got " + e);
            }
            out.add(e.asText());
        }
        if (out.size() != numClasses) {
            throw new ConfigException(key + ": " + out.size() + " names, but " + numClassesKey + " is " + numClasses);
        }
        return List.copyOf(out);
    }

    private static JsonNode node(JsonNode root) {
        return root.has("config") ? root.path("config").get(KEY) : root.get(KEY);
    }
}
