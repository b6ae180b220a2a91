package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A configuration dict read the way the reference's Python reads it: {@code key in d},
 * {@code d.get(key, default)}, per-block values given as a scalar or a list. Errors name the key path.
 */
final class Conf {
    final ObjectNode node;
    final String path;

    Conf(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new ConfigException((path.isEmpty() ? "config" : path) + ": expected an object");
        }
        this.node = (ObjectNode) node;
        this.path = path;
    }

    String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(at(key) + ": " + problem);
    }

    /** Python's {@code key in d}. */
    boolean has(String key) {
        return node.has(key);
    }

    /** Present and not null. */
    boolean set(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    Conf sub(String key) {
        if (!set(key)) {
            throw error(key, "missing");
        }
        return new Conf(node.get(key), at(key));
    }

    Conf copy() {
        return new Conf(node.deepCopy(), path);
    }

    int integer(String key, Integer def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw error(key, "missing");
            }
            return def;
        }
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || !v.canConvertToInt()) {
            throw error(key, "expected an integer, got " + v);
        }
        return v.asInt();
    }

    int positive(String key, Integer def) {
        int v = integer(key, def);
        if (v <= 0) {
            throw error(key, "expected a positive integer, got " + v);
        }
        return v;
    }

    double number(String key, double def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber()) {
            throw error(key, "expected a number, got " + v);
        }
        return v.asDouble();
    }

    boolean bool(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw error(key, "expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    /** Python truthiness of {@code d.get(key)} for numbers (e.g. {@code if init_values:}). */
    boolean truthy(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asDouble() != 0.0;
        }
        return !v.asText().isEmpty();
    }

    String string(String key, String def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual()) {
            throw error(key, "expected a string, got " + v);
        }
        return v.asText();
    }

    /** A per-block boolean given as one value for all blocks or a list of {@code depth}. */
    boolean[] boolsPerBlock(String key, int depth, boolean def) {
        JsonNode v = node.get(key);
        boolean[] out = new boolean[depth];
        if (v == null || v.isNull() || !v.isArray()) {
            java.util.Arrays.fill(out, v == null || v.isNull() ? def : v.asBoolean());
            return out;
        }
        if (v.size() != depth) {
            throw error(key, "expected " + depth + " entries (one per block), got " + v.size());
        }
        for (int i = 0; i < depth; i++) {
            out[i] = v.get(i).asBoolean();
        }
        return out;
    }

    int[] intsPerBlock(String key, int depth, int def) {
        JsonNode v = node.get(key);
        int[] out = new int[depth];
        if (v == null || v.isNull() || !v.isArray()) {
            java.util.Arrays.fill(out, v == null || v.isNull() ? def : v.asInt());
            return out;
        }
        if (v.size() != depth) {
            throw error(key, "expected " + depth + " entries (one per block), got " + v.size());
        }
        for (int i = 0; i < depth; i++) {
            out[i] = v.get(i).asInt();
        }
        return out;
    }

    List<Integer> ints(String key) {
        JsonNode v = node.get(key);
        List<Integer> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "expected a list of integers, got " + v);
        }
        v.forEach(e -> out.add(e.asInt()));
        return out;
    }

    /** {@code interaction_indexes}: [first, last] block per interaction. */
    List<int[]> indexes(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw error(key, v == null ? "missing" : "expected a non-empty list of [first, last] block pairs");
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode p = v.get(i);
            if (!p.isArray() || p.isEmpty()) {
                throw error(key + "[" + i + "]", "expected [first, last] block indexes, got " + p);
            }
            out.add(new int[] {p.get(0).asInt(), p.get(p.size() - 1).asInt()});
        }
        return out;
    }

    /** The keys in their order (Python dicts keep insertion order). */
    List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
