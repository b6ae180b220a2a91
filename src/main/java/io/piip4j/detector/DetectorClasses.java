package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.predict.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector config's class names, by label index: its top-level {@code classes} list where it has one
 * (mmdetection 2.x configs of a custom dataset set {@code classes = (...)} beside {@code model}; in a
 * golden case.json it sits under {@code config}), else COCO's 80 names for an 80-class head, else
 * {@code class_<i>}.
 */
public final class DetectorClasses {
    /** The config key. */
    public static final String KEY = "classes";

    private DetectorClasses() {
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
    public static List<String> read(JsonNode root, String name, int numClasses, String numClassesKey) {
        if (!given(root)) {
            return defaults(numClasses);
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

    /** The names of a head of {@code numClasses} classes whose config names none: COCO's for 80, else {@code class_<i>}. */
    public static List<String> defaults(int numClasses) {
        return numClasses == 80 ? Labels.coco80() : Labels.generic(numClasses);
    }

    private static JsonNode node(JsonNode root) {
        return root.has("config") ? root.path("config").get(KEY) : root.get(KEY);
    }
}
