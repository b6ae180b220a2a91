package io.piip4j.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.eval.EvalException;
import java.util.Locale;

/**
 * One entry of a COCO JSON file with its location ({@code results.json: [12]},
 * {@code instances.json: annotations[3]}), for typed reads whose errors name the file, the entry
 * and the key.
 *
 * @param prefix the location, or for a list entry the part before its index
 * @param index the position in its list, or −1
 */
record JsonEntry(JsonNode node, String prefix, int index) {

    /** An entry whose location is spelled out. */
    JsonEntry(JsonNode node, String where) {
        this(node, where, -1);
    }

    /** Where the entry is; a list entry's location is only joined for a message. */
    String where() {
        return index < 0 ? prefix : prefix + "[" + index + "]";
    }

    EvalException error(String key, String problem) {
        return new EvalException(where() + (key == null ? "" : "." + key) + ": " + problem);
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    JsonNode get(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(key, "missing");
        }
        return v;
    }

    /** An id: an integer (a float with an integral value is accepted, as Python compares 3.0 == 3). */
    long id(String key) {
        JsonNode v = get(key);
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 0x1p53) {
            return (long) v.asDouble();
        }
        throw error(key, "expected an integer id, got " + shown(v));
    }

    double number(String key) {
        JsonNode v = get(key);
        if (!v.isNumber()) {
            throw error(key, "expected a number, got " + shown(v));
        }
        return v.asDouble();
    }

    int positiveInt(String key) {
        JsonNode v = get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw error(key, "expected a positive integer, got " + shown(v));
        }
        return v.asInt();
    }

    /** A truthy flag as Python reads it: a number ≠ 0 or true. */
    boolean flag(String key) {
        if (!has(key)) {
            return false;
        }
        JsonNode v = node.get(key);
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asDouble() != 0;
        }
        throw error(key, "expected 0/1 or true/false, got " + shown(v));
    }

    /** A box {x, y, w, h}. */
    double[] box(String key) {
        JsonNode v = get(key);
        if (!v.isArray() || v.size() != 4) {
            throw error(key, "expected [x, y, width, height], got " + shown(v));
        }
        double[] b = new double[4];
        for (int i = 0; i < 4; i++) {
            if (!v.get(i).isNumber()) {
                throw error(key, "expected [x, y, width, height], got " + shown(v));
            }
            b[i] = v.get(i).asDouble();
        }
        return b;
    }

    static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
